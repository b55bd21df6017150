//! Phone numbers: E.164 validation and the human display form.
//!
//! Hotlines and facility lines must be E.164 (`+18005550123`): one unambiguous form that
//! works in a `tel:` link from any country. Crisis lines may also be short codes (`988`).

/// Whether `s` is an E.164 number: `+`, a non-zero digit, then 6 to 14 digits.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// Whether `s` is a short dialing code such as `988` or `211` (3 to 6 digits).
pub fn is_short_code(s: &str) -> bool {
    (3..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The display form: North American numbers as `(800) 555-0123`, others unchanged.
pub fn display(number: &str) -> String {
    match number.strip_prefix("+1") {
        Some(d) if d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit()) => {
            format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
        }
        _ => number.to_string(),
    }
}

/// The `tel:` URL of a validated number.
pub fn tel(number: &str) -> String {
    format!("tel:{number}")
}

/// A hint for a number that is not E.164, guessing the fix for US numbers.
pub fn e164_hint(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        10 => format!("write it in E.164 form, for example \"+1{digits}\""),
        11 if digits.starts_with('1') => format!("write it in E.164 form, for example \"+{digits}\""),
        _ => "write it in E.164 form: + then country code and number, no spaces (\"+18005550123\")".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_table() {
        for ok in ["+18005550123", "+442071234567", "+4930123456"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "18005550123",
            "+1 800 555 0123",
            "(800) 555-0123",
            "+0123456789",
            "+12",
            "",
            "+1800555012a",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn display_formats_nanp_only() {
        assert_eq!(display("+18005550123"), "(800) 555-0123");
        assert_eq!(display("+442071234567"), "+442071234567");
        assert_eq!(display("988"), "988");
    }

    #[test]
    fn hint_guesses_us_numbers() {
        assert!(e164_hint("(800) 555-0123").contains("+18005550123"));
        assert!(e164_hint("1-800-555-0123").contains("+18005550123"));
    }
}
