//! Small checks on single facility values, each with a table-driven test: ZIP codes, the
//! NPI check digit, web addresses, and great-circle distances.

/// Whether `zip` is 5 digits or ZIP+4 (`12345-6789`).
pub fn is_zip(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match zip.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(zip, 5),
    }
}

/// Whether `npi` is a National Provider Identifier: 10 digits whose last is the Luhn
/// check digit computed over the prefix 80840 and the first 9 digits (CMS's rule).
/// Hand-written: the rule is eight lines and no crate covers the NPI prefix.
pub fn is_npi(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = format!("80840{}", &npi[..9])
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    // Luhn: double every second digit from the right of the payload (the check digit is absent).
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                *d
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    u32::from(npi.as_bytes()[9] - b'0') == check
}

/// Whether `url` is an absolute http(s) URL with a host and no spaces.
pub fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_table() {
        for ok in ["78701", "00901", "78701-1234"] {
            assert!(is_zip(ok), "{ok}");
        }
        for bad in ["7870", "787011", "78701-123", "7870a", "78701 1234", "", "78701-"] {
            assert!(!is_zip(bad), "{bad}");
        }
    }

    #[test]
    fn npi_table() {
        // 1234567893 is CMS's published example.
        for ok in ["1234567893", "1245319599"] {
            assert!(is_npi(ok), "{ok}");
        }
        for bad in ["1234567890", "123456789", "12345678931", "123456789a", ""] {
            assert!(!is_npi(bad), "{bad}");
        }
    }

    #[test]
    fn url_table() {
        for ok in ["https://example.org", "http://example.org/a?b#c"] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "ftp://example.org",
            "javascript:alert(1)",
            "example.org",
            "https://",
            "https://a b",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn distances() {
        // Austin to San Antonio, about 118 km.
        let d = distance_km(30.2672, -97.7431, 29.4241, -98.4936);
        assert!((d - 118.0).abs() < 3.0, "{d}");
        assert!(distance_km(1.0, 2.0, 1.0, 2.0).abs() < 1e-9);
    }
}
