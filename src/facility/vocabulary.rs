//! The one vocabulary of facility listings: every controlled value with its human label
//! and a one-line plain-language explanation, the USPS state codes, the phone line types,
//! and language names.
//!
//! Editors write the ids (`partial-hospitalization`); pages, filters and the locator show
//! the labels and explanations from here and nowhere else. The order of each list is the
//! order pages and filters show, and also the bit order the locator's data files use
//! (see [`crate::render::directory`]), so append new values at the end.

/// A controlled value: id as written in YAML, label for people, what it means.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// Id as written in a facility file.
    pub id: &'static str,
    /// Human label.
    pub label: &'static str,
    /// One plain-language sentence.
    pub explain: &'static str,
}

const fn t(id: &'static str, label: &'static str, explain: &'static str) -> Term {
    Term { id, label, explain }
}

/// `levels_of_care`.
pub const LEVELS_OF_CARE: &[Term] = &[
    t(
        "detox",
        "Detox (withdrawal management)",
        "Medical help to get through withdrawal safely, usually for a few days.",
    ),
    t(
        "residential",
        "Residential",
        "You live at the facility for a while, with treatment every day.",
    ),
    t(
        "inpatient-hospital",
        "Inpatient hospital",
        "Round-the-clock care in a hospital, for people who need close medical attention.",
    ),
    t(
        "partial-hospitalization",
        "Partial hospitalization",
        "Treatment most of the day, five or more days a week, while you sleep at home.",
    ),
    t(
        "intensive-outpatient",
        "Intensive outpatient",
        "Several sessions a week, a few hours each, while you keep living at home.",
    ),
    t(
        "outpatient",
        "Outpatient",
        "Regular appointments, such as counseling or medication visits, while you live at home.",
    ),
    t(
        "telehealth",
        "Telehealth",
        "Appointments by video or phone, so you do not have to travel.",
    ),
    t(
        "sober-living",
        "Sober living",
        "A drug- and alcohol-free home where people in recovery support each other.",
    ),
];

/// `medications`.
pub const MEDICATIONS: &[Term] = &[
    t(
        "buprenorphine",
        "Buprenorphine",
        "A medication for opioid use disorder that eases cravings and withdrawal (Suboxone, Sublocade and others).",
    ),
    t(
        "methadone",
        "Methadone",
        "A daily medication for opioid use disorder, given at licensed opioid treatment programs.",
    ),
    t(
        "naltrexone",
        "Naltrexone",
        "A medication that blocks the effects of opioids and alcohol (Vivitrol is the monthly shot).",
    ),
    t(
        "naloxone",
        "Naloxone",
        "The overdose-reversal medicine (Narcan); the facility provides it or teaches how to use it.",
    ),
];

/// `payment`.
pub const PAYMENT: &[Term] = &[
    t(
        "self-pay",
        "Self-pay",
        "You can pay for treatment yourself, without insurance.",
    ),
    t(
        "medicaid",
        "Medicaid",
        "Accepts Medicaid, the public health coverage for people with low incomes.",
    ),
    t(
        "medicare",
        "Medicare",
        "Accepts Medicare, the federal health coverage for people 65 and older and some people with disabilities.",
    ),
    t(
        "private-insurance",
        "Private insurance",
        "Accepts health insurance from an employer or the marketplace; check that your plan is in network.",
    ),
    t(
        "military-insurance",
        "Military insurance",
        "Accepts TRICARE or other military health coverage.",
    ),
    t("sliding-scale", "Sliding scale", "Fees go down if your income is low."),
    t("free", "Free", "Treatment at no cost to you."),
    t(
        "state-funded",
        "State funded",
        "Paid for by state programs for people who qualify.",
    ),
];

/// `populations`.
pub const POPULATIONS: &[Term] = &[
    t("adults", "Adults", "Programs for adults (18 and older)."),
    t("adolescents", "Adolescents", "Programs for teenagers."),
    t(
        "young-adults",
        "Young adults",
        "Programs for people in their late teens and twenties.",
    ),
    t("seniors", "Seniors", "Programs for older adults."),
    t("women", "Women", "Programs for women."),
    t("men", "Men", "Programs for men."),
    t(
        "pregnant-women",
        "Pregnant women",
        "Care that is safe during pregnancy, with medical support for mother and baby.",
    ),
    t(
        "veterans",
        "Veterans",
        "Programs for people who served in the military.",
    ),
    t(
        "lgbtq",
        "LGBTQ+",
        "Programs that welcome and focus on lesbian, gay, bisexual, transgender and queer people.",
    ),
    t(
        "criminal-justice",
        "Criminal justice",
        "Programs for people involved with courts, probation or parole.",
    ),
];

/// `accreditations`.
pub const ACCREDITATIONS: &[Term] = &[
    t(
        "joint-commission",
        "The Joint Commission",
        "Accredited by The Joint Commission, which checks health care organizations against national standards.",
    ),
    t(
        "carf",
        "CARF",
        "Accredited by CARF, the Commission on Accreditation of Rehabilitation Facilities.",
    ),
    t(
        "ncqa",
        "NCQA",
        "Accredited by the National Committee for Quality Assurance.",
    ),
    t("coa", "COA", "Accredited by the Council on Accreditation."),
    t(
        "state-licensed",
        "State licensed",
        "Licensed by the state's health or behavioral health agency.",
    ),
];

/// `phones[].type`: line types, with whether the line takes voice calls.
pub const PHONE_TYPES: &[Term] = &[
    t("intake", "Intake", "Call to ask about starting treatment."),
    t(
        "tty",
        "TTY",
        "For callers who are deaf or hard of hearing, with a text telephone.",
    ),
    t("sms", "Text", "Send a text message."),
    t("fax", "Fax", "Fax only: not for calls."),
    t("after-hours", "After hours", "Call outside regular hours."),
];

/// USPS codes accepted in `address.state`: the 50 states, DC, Puerto Rico, the
/// territories and the freely associated states, with their names.
pub const STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("DC", "District of Columbia"),
    ("PR", "Puerto Rico"),
    ("GU", "Guam"),
    ("VI", "U.S. Virgin Islands"),
    ("AS", "American Samoa"),
    ("MP", "Northern Mariana Islands"),
    ("UM", "U.S. Minor Outlying Islands"),
    ("FM", "Micronesia"),
    ("MH", "Marshall Islands"),
    ("PW", "Palau"),
];

/// The term with id `id` in `list`.
pub fn find(list: &'static [Term], id: &str) -> Option<&'static Term> {
    list.iter().find(|t| t.id == id)
}

/// The name of a USPS state code (upper case).
pub fn state_name(code: &str) -> Option<&'static str> {
    STATES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A language by ISO 639-1 code: (English name, name in the language itself).
pub fn language(code: &str) -> Option<(&'static str, &'static str)> {
    let l = isolang::Language::from_639_1(code)?;
    let english = l.to_name();
    Some((english, l.to_autonym().unwrap_or(english)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_slugs_with_labels_and_explanations() {
        for list in [
            LEVELS_OF_CARE,
            MEDICATIONS,
            PAYMENT,
            POPULATIONS,
            ACCREDITATIONS,
            PHONE_TYPES,
        ] {
            let mut seen = std::collections::HashSet::new();
            for t in list {
                assert!(crate::slug::is_slug(t.id), "{}", t.id);
                assert!(seen.insert(t.id), "duplicate {}", t.id);
                assert!(!t.label.is_empty() && t.explain.ends_with('.'), "{}", t.id);
            }
        }
        // The locator packs each list into a 32-bit mask.
        assert!(POPULATIONS.len() <= 32);
    }

    #[test]
    fn states_and_languages() {
        assert_eq!(STATES.len(), 60);
        assert_eq!(state_name("PR"), Some("Puerto Rico"));
        assert_eq!(state_name("XX"), None);
        assert_eq!(language("es"), Some(("Spanish", "español")));
        assert_eq!(language("en").map(|l| l.0), Some("English"));
        assert_eq!(language("zz"), None);
    }
}
