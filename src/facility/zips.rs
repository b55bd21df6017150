//! ZIP code centroids, for the distance warning and the locator's ZIP search.
//!
//! The data comes from the `zipcodes` crate (MIT), whose coordinates are GeoNames postal
//! data, licensed CC BY 4.0: the locator page credits GeoNames (see docs/facilities.md).
//! The crate decompresses its embedded table on first use; we index it once here.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Where the ZIP coordinates come from, as the locator page credits them.
pub const ATTRIBUTION: &str = "ZIP code locations: GeoNames (geonames.org), CC BY 4.0, via the zipcodes package.";

static CENTROIDS: LazyLock<BTreeMap<String, (f64, f64)>> = LazyLock::new(|| {
    let mut map = BTreeMap::new();
    for z in zipcodes::database() {
        let (Ok(lat), Ok(lon)) = (z.lat.trim().parse::<f64>(), z.long.trim().parse::<f64>()) else {
            continue;
        };
        if lat.is_finite() && lon.is_finite() && !(lat == 0.0 && lon == 0.0) {
            map.entry(z.zip_code.clone()).or_insert((lat, lon));
        }
    }
    map
});

static STATES: LazyLock<BTreeMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for z in zipcodes::database() {
        let states = map.entry(z.zip_code.as_str()).or_default();
        if !states.contains(&z.state.as_str()) {
            states.push(z.state.as_str());
        }
    }
    map
});

/// The USPS state codes a ZIP belongs to (empty for a ZIP the data set does not know).
pub fn states(zip: &str) -> &'static [&'static str] {
    zip.get(..5).and_then(|z| STATES.get(z)).map_or(&[], Vec::as_slice)
}

/// The centroid (lat, lon) of a 5-digit ZIP (or the first 5 digits of a ZIP+4).
pub fn centroid(zip: &str) -> Option<(f64, f64)> {
    CENTROIDS.get(zip.get(..5)?).copied()
}

/// Every ZIP with a centroid, sorted.
pub fn all() -> &'static BTreeMap<String, (f64, f64)> {
    &CENTROIDS
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
        assert_eq!(states("78701"), ["TX"]);
        assert_eq!(states("00901"), ["PR"]);
        assert!(states("00000").is_empty());
        assert!(all().len() > 30_000);
    }
}
