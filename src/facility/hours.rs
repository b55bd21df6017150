//! Free-text opening hours to schema.org `openingHours` where the text is simple enough:
//! `Mon-Fri 8am-6pm; Sat 9am-1pm` -> `["Mo-Fr 08:00-18:00", "Sa 09:00-13:00"]`, `24/7` ->
//! `["Mo-Su 00:00-23:59"]`. Parts we cannot read are left out (the page always shows the
//! text as written). Hand-written: no crate reads this informal US style.

const DAYS: [(&str, &str); 7] = [
    ("mon", "Mo"),
    ("tue", "Tu"),
    ("wed", "We"),
    ("thu", "Th"),
    ("fri", "Fr"),
    ("sat", "Sa"),
    ("sun", "Su"),
];

/// The schema.org forms of the parts of `text` that parse.
pub fn opening_hours(text: &str) -> Vec<String> {
    text.split([';', ','])
        .map(str::trim)
        .filter_map(|part| {
            if part == "24/7" {
                return Some("Mo-Su 00:00-23:59".to_string());
            }
            let (days, times) = part.split_once(' ')?;
            let days = day_range(days)?;
            let (from, to) = times.trim().split_once('-')?;
            Some(format!("{days} {}-{}", time(from)?, time(to)?))
        })
        .collect()
}

fn day(s: &str) -> Option<&'static str> {
    let s = s.trim().to_lowercase();
    DAYS.iter().find(|(k, _)| s.starts_with(k)).map(|(_, v)| *v)
}

fn day_range(s: &str) -> Option<String> {
    match s.split_once('-') {
        Some((a, b)) => Some(format!("{}-{}", day(a)?, day(b)?)),
        None => day(s).map(str::to_string),
    }
}

/// `8am`, `5:30pm`, `12pm`, `17:00` -> `HH:MM`.
fn time(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    let (body, pm) = match (s.strip_suffix("am"), s.strip_suffix("pm")) {
        (Some(b), _) => (b, Some(false)),
        (_, Some(b)) => (b, Some(true)),
        _ => (s.as_str(), None),
    };
    let (h, m) = body.split_once(':').unwrap_or((body, "00"));
    let (mut h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if m > 59 {
        return None;
    }
    match pm {
        Some(pm) if (1..=12).contains(&h) => h = (h % 12) + if pm { 12 } else { 0 },
        None if h <= 24 => {}
        _ => return None,
    }
    Some(format!("{h:02}:{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: [(&str, &[&str]); 6] = [
            ("Mon-Fri 8am-6pm; intake 24/7", &["Mo-Fr 08:00-18:00"]),
            ("24/7", &["Mo-Su 00:00-23:59"]),
            ("Mon-Sat 5:30am-12pm; dosing only Sun 7am-9am", &["Mo-Sa 05:30-12:00"]),
            ("Sat 9am-1pm, Sun 12am-11pm", &["Sa 09:00-13:00", "Su 00:00-23:00"]),
            ("Tue 17:00-19:30", &["Tu 17:00-19:30"]),
            ("by appointment", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(opening_hours(text), want, "{text}");
        }
    }
}
