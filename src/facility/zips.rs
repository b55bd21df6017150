//! ZIP code centroids, for the distance warning and the locator's ZIP search.
//!
//! The table is `zips.txt` beside this file, made once by `scripts/zip_table.py` from the
//! `zipcodes` crate's data set (MIT), whose coordinates are GeoNames postal data, licensed
//! CC BY 4.0: the locator page credits GeoNames (see docs/facilities.md). Every line has
//! the same width, so a look-up is a binary search over the embedded text: a build does
//! no work to prepare the table (the crate decompressed and parsed its bz2 JSON on every
//! build, 0.4-0.6 s). Hand-written because no crate reads a sorted fixed-width table.

/// Where the ZIP coordinates come from, as the locator page credits them.
pub const ATTRIBUTION: &str = "ZIP code locations: GeoNames (geonames.org), CC BY 4.0, via the zipcodes package.";

/// `ZZZZZSS+LL.LLLL-LLL.LLLL\n`, sorted by ZIP.
const TABLE: &str = include_str!("zips.txt");
const LINE: usize = 25;

/// One line of the table.
#[derive(Clone, Copy, Debug)]
pub struct Zip {
    line: &'static str,
}

impl Zip {
    /// The 5-digit ZIP.
    pub fn code(self) -> &'static str {
        &self.line[..5]
    }

    /// Its USPS state code.
    pub fn state(self) -> &'static str {
        &self.line[5..7]
    }

    /// Its centroid (lat, lon), if the data set has one.
    pub fn centroid(self) -> Option<(f64, f64)> {
        let lat = self.line[7..15].parse::<f64>().ok()?;
        let lon = self.line[15..24].parse::<f64>().ok()?;
        Some((lat, lon))
    }
}

fn line(i: usize) -> Zip {
    Zip {
        line: &TABLE[i * LINE..(i + 1) * LINE - 1],
    }
}

fn count() -> usize {
    TABLE.len() / LINE
}

fn find(zip: &str) -> Option<Zip> {
    let zip = zip.get(..5)?;
    let (mut lo, mut hi) = (0, count());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let z = line(mid);
        match z.code().cmp(zip) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(z),
        }
    }
    None
}

/// The USPS state codes a ZIP belongs to (empty for a ZIP the data set does not know).
/// The data set gives each ZIP one state; a slice keeps callers ready for more.
pub fn states(zip: &str) -> &'static [&'static str] {
    /// Each state code in the table is a slice of it; this turns it into a `&[&str]`.
    static CODES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut codes: Vec<&str> = (0..count()).map(|i| line(i).state()).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    });
    let Some(z) = find(zip) else { return &[] };
    CODES
        .binary_search(&z.state())
        .map_or(&[], |i| std::slice::from_ref(&CODES[i]))
}

/// The centroid (lat, lon) of a 5-digit ZIP (or the first 5 digits of a ZIP+4).
pub fn centroid(zip: &str) -> Option<(f64, f64)> {
    find(zip)?.centroid()
}

/// The ZIPs starting with `prefix`, sorted.
pub fn prefixed(prefix: &str) -> impl Iterator<Item = Zip> {
    let (mut lo, mut hi) = (0, count());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if line(mid).code() < prefix {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    (lo..count())
        .map(line)
        .take_while(move |z| z.code().starts_with(prefix))
}

/// Every ZIP of the table, sorted.
pub fn all() -> impl Iterator<Item = Zip> {
    (0..count()).map(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_states_dc_and_puerto_rico() {
        let austin = centroid("78701").expect("test value");
        assert!(
            (austin.0 - 30.27).abs() < 0.1 && (austin.1 + 97.74).abs() < 0.1,
            "{austin:?}"
        );
        assert!(centroid("20001").is_some(), "DC");
        assert!(centroid("00901").is_some(), "San Juan, PR");
        assert!(centroid("78701-1234").is_some());
        assert!(centroid("00000").is_none());
        assert!(centroid("7870").is_none());
        let austin: Vec<&str> = prefixed("787").map(Zip::code).collect();
        assert!(austin.contains(&"78701") && austin.iter().all(|z| z.starts_with("787")));
        assert_eq!(prefixed("005").count(), 2, "00501 and 00544");
        assert_eq!(prefixed("000").count() + prefixed("002").count(), 0);
        assert_eq!(prefixed("99").last().map(Zip::code), all().last().map(Zip::code));
        assert_eq!(states("78701"), ["TX"]);
        assert_eq!(states("00901"), ["PR"]);
        assert!(states("00000").is_empty());
        assert!(all().filter(|z| z.centroid().is_some()).count() > 30_000);
    }

    #[test]
    fn the_table_is_sorted_and_fixed_width() {
        assert_eq!(TABLE.len() % LINE, 0);
        assert!(TABLE.lines().all(|l| l.len() == LINE - 1 && l.is_ascii()));
        let codes: Vec<&str> = all().map(Zip::code).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted, no ZIP twice");
        // Every ZIP of the table is found by the search, first and last included.
        assert!(all().all(|z| find(z.code()).map(Zip::code) == Some(z.code())));
    }

    #[test]
    fn a_zip_without_coordinates_still_has_its_state() {
        let z = all().find(|z| z.centroid().is_none()).expect("military ZIPs have none");
        assert_eq!(states(z.code()).len(), 1);
        assert!(centroid(z.code()).is_none());
    }
}
