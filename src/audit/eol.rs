//! An embedded, dated end-of-life table for language runtimes and the frameworks that publish
//! support dates, so `deps.supported-runtime` can judge a repository offline on any audit date.
//!
//! The dates are the end of security support (community support for Java, OSS support for
//! Spring Boot), taken from endoflife.date as of [`TABLE_DATE`]. A release cycle the table does
//! not know yet is newer than every cycle it lists and is treated as supported; one older than
//! every cycle it lists is long past its end of life. A cycle listed without a date (`None`) has
//! no announced end of life.

use std::fmt;

/// The day the table was last brought up to date (year, month, day).
pub const TABLE_DATE: Date = (2026, 8, 22);

/// A calendar date as (year, month, day), comparable in that order.
pub type Date = (i32, u32, u32);

/// Products the table knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Python,
    Node,
    Go,
    Java,
    Ruby,
    Django,
    SpringBoot,
    Express,
}

impl Product {
    pub fn name(self) -> &'static str {
        match self {
            Product::Python => "Python",
            Product::Node => "Node.js",
            Product::Go => "Go",
            Product::Java => "Java",
            Product::Ruby => "Ruby",
            Product::Django => "Django",
            Product::SpringBoot => "Spring Boot",
            Product::Express => "Express",
        }
    }

    /// Whether release cycles are `major.minor` (Python 3.8) or `major` (Node 18).
    fn minor_cycles(self) -> bool {
        matches!(
            self,
            Product::Python | Product::Go | Product::Ruby | Product::Django | Product::SpringBoot
        )
    }

    /// The release cycles, newest first, with their end of life.
    fn cycles(self) -> &'static [(u32, u32, Option<Date>)] {
        match self {
            Product::Python => PYTHON,
            Product::Node => NODE,
            Product::Go => GO,
            Product::Java => JAVA,
            Product::Ruby => RUBY,
            Product::Django => DJANGO,
            Product::SpringBoot => SPRING_BOOT,
            Product::Express => EXPRESS,
        }
    }
}

// (major, minor, end of life). Minor is 0 for products whose cycles are majors.
const PYTHON: &[(u32, u32, Option<Date>)] = &[
    (3, 14, Some((2030, 10, 31))),
    (3, 13, Some((2029, 10, 31))),
    (3, 12, Some((2028, 10, 31))),
    (3, 11, Some((2027, 10, 31))),
    (3, 10, Some((2026, 10, 31))),
    (3, 9, Some((2025, 10, 31))),
    (3, 8, Some((2024, 10, 7))),
    (3, 7, Some((2023, 6, 27))),
    (3, 6, Some((2021, 12, 23))),
    (3, 5, Some((2020, 9, 30))),
    (3, 4, Some((2019, 3, 18))),
    (3, 3, Some((2017, 9, 29))),
    (3, 2, Some((2016, 2, 20))),
    (3, 1, Some((2012, 4, 9))),
    (3, 0, Some((2009, 6, 27))),
    (2, 7, Some((2020, 1, 1))),
    (2, 6, Some((2013, 10, 29))),
];

const NODE: &[(u32, u32, Option<Date>)] = &[
    (26, 0, Some((2029, 4, 30))),
    (25, 0, Some((2026, 6, 1))),
    (24, 0, Some((2028, 4, 30))),
    (23, 0, Some((2025, 6, 1))),
    (22, 0, Some((2027, 4, 30))),
    (21, 0, Some((2024, 6, 1))),
    (20, 0, Some((2026, 4, 30))),
    (19, 0, Some((2023, 6, 1))),
    (18, 0, Some((2025, 4, 30))),
    (17, 0, Some((2022, 6, 1))),
    (16, 0, Some((2023, 9, 11))),
    (15, 0, Some((2021, 6, 1))),
    (14, 0, Some((2023, 4, 30))),
    (13, 0, Some((2020, 6, 1))),
    (12, 0, Some((2022, 4, 30))),
    (11, 0, Some((2019, 6, 30))),
    (10, 0, Some((2021, 4, 30))),
    (9, 0, Some((2018, 6, 30))),
    (8, 0, Some((2019, 12, 31))),
    (7, 0, Some((2017, 6, 30))),
    (6, 0, Some((2019, 4, 30))),
    (5, 0, Some((2016, 6, 30))),
    (4, 0, Some((2018, 4, 30))),
];

/// Each Go release is supported until two newer major releases exist; the two newest have no
/// date yet.
const GO: &[(u32, u32, Option<Date>)] = &[
    (1, 27, None),
    (1, 26, None),
    (1, 25, Some((2026, 8, 19))),
    (1, 24, Some((2026, 2, 10))),
    (1, 23, Some((2025, 8, 12))),
    (1, 22, Some((2025, 2, 11))),
    (1, 21, Some((2024, 8, 13))),
    (1, 20, Some((2024, 2, 6))),
    (1, 19, Some((2023, 9, 6))),
    (1, 18, Some((2023, 2, 1))),
    (1, 17, Some((2022, 8, 2))),
    (1, 16, Some((2022, 3, 15))),
    (1, 15, Some((2021, 8, 16))),
    (1, 14, Some((2021, 2, 16))),
    (1, 13, Some((2020, 8, 11))),
    (1, 12, Some((2020, 2, 25))),
    (1, 11, Some((2019, 9, 3))),
    (1, 10, Some((2019, 2, 25))),
];

/// OpenJDK builds with community support (Eclipse Temurin); feature releases between LTS
/// releases end when the next one ships.
const JAVA: &[(u32, u32, Option<Date>)] = &[
    (26, 0, Some((2026, 9, 15))),
    (25, 0, Some((2031, 9, 30))),
    (24, 0, Some((2025, 9, 16))),
    (23, 0, Some((2025, 3, 18))),
    (22, 0, Some((2024, 9, 17))),
    (21, 0, Some((2029, 12, 31))),
    (20, 0, Some((2023, 9, 19))),
    (19, 0, Some((2023, 3, 31))),
    (18, 0, Some((2022, 9, 30))),
    (17, 0, Some((2027, 10, 31))),
    (16, 0, Some((2021, 9, 30))),
    (15, 0, Some((2021, 3, 16))),
    (14, 0, Some((2020, 9, 16))),
    (13, 0, Some((2020, 3, 17))),
    (12, 0, Some((2019, 9, 17))),
    (11, 0, Some((2027, 10, 31))),
    (10, 0, Some((2018, 9, 25))),
    (9, 0, Some((2018, 3, 20))),
    (8, 0, Some((2030, 12, 31))),
    (7, 0, Some((2022, 7, 31))),
];

const RUBY: &[(u32, u32, Option<Date>)] = &[
    (4, 0, Some((2029, 3, 31))),
    (3, 4, Some((2028, 3, 31))),
    (3, 3, Some((2027, 3, 31))),
    (3, 2, Some((2026, 3, 31))),
    (3, 1, Some((2025, 3, 26))),
    (3, 0, Some((2024, 4, 23))),
    (2, 7, Some((2023, 3, 31))),
    (2, 6, Some((2022, 3, 31))),
    (2, 5, Some((2021, 3, 31))),
    (2, 4, Some((2020, 3, 31))),
    (2, 3, Some((2019, 3, 31))),
    (2, 2, Some((2018, 3, 31))),
    (2, 1, Some((2017, 3, 31))),
    (2, 0, Some((2016, 2, 24))),
];

const DJANGO: &[(u32, u32, Option<Date>)] = &[
    (6, 1, Some((2027, 12, 31))),
    (6, 0, Some((2027, 4, 30))),
    (5, 2, Some((2028, 4, 30))),
    (5, 1, Some((2025, 12, 3))),
    (5, 0, Some((2025, 4, 2))),
    (4, 2, Some((2026, 4, 7))),
    (4, 1, Some((2023, 12, 1))),
    (4, 0, Some((2023, 4, 1))),
    (3, 2, Some((2024, 4, 1))),
    (3, 1, Some((2021, 12, 7))),
    (3, 0, Some((2021, 4, 6))),
    (2, 2, Some((2022, 4, 11))),
    (2, 1, Some((2019, 12, 2))),
    (2, 0, Some((2019, 4, 1))),
    (1, 11, Some((2020, 4, 1))),
    (1, 10, Some((2017, 12, 2))),
    (1, 9, Some((2017, 4, 4))),
    (1, 8, Some((2018, 4, 1))),
    (1, 7, Some((2015, 12, 1))),
    (1, 6, Some((2015, 4, 1))),
    (1, 5, Some((2014, 9, 2))),
    (1, 4, Some((2015, 10, 1))),
    (1, 3, Some((2013, 2, 26))),
];

/// End of open-source support.
const SPRING_BOOT: &[(u32, u32, Option<Date>)] = &[
    (4, 1, Some((2027, 7, 31))),
    (4, 0, Some((2026, 12, 31))),
    (3, 5, Some((2026, 6, 30))),
    (3, 4, Some((2025, 12, 31))),
    (3, 3, Some((2025, 6, 30))),
    (3, 2, Some((2024, 12, 31))),
    (3, 1, Some((2024, 6, 30))),
    (3, 0, Some((2023, 12, 31))),
    (2, 7, Some((2023, 6, 30))),
    (2, 6, Some((2022, 11, 24))),
    (2, 5, Some((2022, 5, 19))),
    (2, 4, Some((2021, 11, 18))),
    (2, 3, Some((2021, 5, 20))),
    (2, 2, Some((2020, 10, 16))),
    (2, 1, Some((2019, 10, 30))),
    (2, 0, Some((2019, 3, 1))),
    (1, 5, Some((2019, 8, 6))),
];

const EXPRESS: &[(u32, u32, Option<Date>)] = &[
    (5, 0, None),
    (4, 0, None),
    (3, 0, Some((2015, 7, 5))),
    (2, 0, Some((2012, 7, 1))),
    (1, 0, Some((2011, 3, 1))),
];

/// A version as far as a release cycle needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: Option<u32>,
}

impl Version {
    /// Reads the leading `major[.minor]` of a version string: `3.8.10`, `v18.17.0`, `1.21`,
    /// `17`, `1.8` (Java 8), `3.12-slim`. Returns `None` when it does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        let t = text
            .trim()
            .trim_start_matches(['v', 'V', '=', '^', '~', '>']);
        let t = t.trim_start();
        let len = t.bytes().take_while(u8::is_ascii_digit).count();
        let major: u32 = t.get(..len)?.parse().ok()?;
        let rest = &t[len..];
        let minor = rest.strip_prefix('.').and_then(|r| {
            let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
        Some(Version { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(m) => write!(f, "{}.{m}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

/// What the table says about one release on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Supported on that day; `until` is the announced end of life, if any.
    Supported { until: Option<Date> },
    /// Past its end of life (`since` is `None` for cycles older than the table).
    EndOfLife { since: Option<Date> },
    /// The version does not name a release cycle (`3` for Python, say).
    Unknown,
}

/// The release cycle of `version` (`3.8` for Python 3.8.10, `18` for Node 18.17) as text.
pub fn cycle(product: Product, version: Version) -> String {
    if product.minor_cycles() {
        format!("{}.{}", version.major, version.minor.unwrap_or(0))
    } else {
        version.major.to_string()
    }
}

/// Whether `version` of `product` is supported on `today`.
pub fn support(product: Product, version: Version, today: Date) -> Support {
    // Java 1.8 is Java 8.
    let version = if product == Product::Java && version.major == 1 {
        match version.minor {
            Some(m) => Version {
                major: m,
                minor: None,
            },
            None => return Support::Unknown,
        }
    } else {
        version
    };
    let key = if product.minor_cycles() {
        match version.minor {
            Some(m) => (version.major, m),
            None => return Support::Unknown,
        }
    } else {
        (version.major, 0)
    };
    let cycles = product.cycles();
    let judge = |eol: Option<Date>| match eol {
        Some(d) if today >= d => Support::EndOfLife { since: Some(d) },
        other => Support::Supported { until: other },
    };
    if let Some((_, _, eol)) = cycles.iter().find(|(ma, mi, _)| (*ma, *mi) == key) {
        return judge(*eol);
    }
    let newest = cycles.iter().map(|(ma, mi, _)| (*ma, *mi)).max();
    let oldest = cycles.iter().map(|(ma, mi, _)| (*ma, *mi)).min();
    match (newest, oldest) {
        (Some(n), _) if key > n => Support::Supported { until: None },
        (_, Some(o)) if key < o => Support::EndOfLife { since: None },
        // A gap in the table (a cycle that never existed, such as Python 3.15 before it is
        // listed, is caught above): no claim.
        _ => Support::Unknown,
    }
}

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} is a version"))
    }

    const AUDIT_DAY: Date = (2026, 11, 22);

    #[test]
    fn versions_are_read_from_the_usual_spellings() {
        assert_eq!(
            v("3.8.10"),
            Version {
                major: 3,
                minor: Some(8)
            }
        );
        assert_eq!(
            v("v18.17.0"),
            Version {
                major: 18,
                minor: Some(17)
            }
        );
        assert_eq!(
            v("17"),
            Version {
                major: 17,
                minor: None
            }
        );
        assert_eq!(
            v("3.12-slim"),
            Version {
                major: 3,
                minor: Some(12)
            }
        );
        assert_eq!(Version::parse("lts/*"), None);
        assert_eq!(Version::parse("latest"), None);
    }

    #[test]
    fn django_1_11_and_python_3_8_are_end_of_life_on_the_audit_day() {
        assert_eq!(
            support(Product::Django, v("1.11.29"), AUDIT_DAY),
            Support::EndOfLife {
                since: Some((2020, 4, 1))
            }
        );
        assert_eq!(
            support(Product::Python, v("3.8"), AUDIT_DAY),
            Support::EndOfLife {
                since: Some((2024, 10, 7))
            }
        );
        // 3.10 ends on 2026-10-31, before the audit day; 3.11 a year later.
        assert!(matches!(
            support(Product::Python, v("3.10"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
        assert_eq!(
            support(Product::Python, v("3.11"), AUDIT_DAY),
            Support::Supported {
                until: Some((2027, 10, 31))
            }
        );
    }

    #[test]
    fn the_end_of_life_day_itself_counts_as_ended() {
        assert!(matches!(
            support(Product::Python, v("3.8"), (2024, 10, 7)),
            Support::EndOfLife { .. }
        ));
        assert!(matches!(
            support(Product::Python, v("3.8"), (2024, 10, 6)),
            Support::Supported { .. }
        ));
    }

    #[test]
    fn cycles_newer_than_the_table_are_supported_and_older_ones_are_not() {
        assert_eq!(
            support(Product::Python, v("3.15"), AUDIT_DAY),
            Support::Supported { until: None }
        );
        assert_eq!(
            support(Product::Django, v("1.2"), AUDIT_DAY),
            Support::EndOfLife { since: None }
        );
        assert_eq!(
            support(Product::Node, v("0.12"), AUDIT_DAY),
            Support::EndOfLife { since: None }
        );
    }

    #[test]
    fn majors_and_java_1_x_spellings_are_understood() {
        assert!(matches!(
            support(Product::Node, v("16.20.2"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
        assert!(matches!(
            support(Product::Node, v("22"), AUDIT_DAY),
            Support::Supported { .. }
        ));
        assert_eq!(
            support(Product::Java, v("1.8"), AUDIT_DAY),
            support(Product::Java, v("8"), AUDIT_DAY)
        );
        assert!(matches!(
            support(Product::Java, v("11"), AUDIT_DAY),
            Support::Supported { .. }
        ));
        assert!(matches!(
            support(Product::Java, v("15"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
    }

    #[test]
    fn go_and_spring_boot_and_express_follow_their_tables() {
        assert!(matches!(
            support(Product::Go, v("1.21"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
        assert_eq!(
            support(Product::Go, v("1.26.1"), AUDIT_DAY),
            Support::Supported { until: None }
        );
        assert!(matches!(
            support(Product::SpringBoot, v("2.7.18"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
        assert!(matches!(
            support(Product::SpringBoot, v("4.0.1"), AUDIT_DAY),
            Support::Supported { .. }
        ));
        assert!(matches!(
            support(Product::Express, v("3.21.2"), AUDIT_DAY),
            Support::EndOfLife { .. }
        ));
        assert_eq!(
            support(Product::Express, v("4.21.2"), AUDIT_DAY),
            Support::Supported { until: None }
        );
    }

    #[test]
    fn a_version_without_its_cycle_is_unknown() {
        assert_eq!(
            support(Product::Python, v("3"), AUDIT_DAY),
            Support::Unknown
        );
        assert_eq!(cycle(Product::Python, v("3.8.10")), "3.8");
        assert_eq!(cycle(Product::Node, v("18.1")), "18");
    }

    #[test]
    fn every_table_is_sorted_newest_first() {
        for p in [
            Product::Python,
            Product::Node,
            Product::Go,
            Product::Java,
            Product::Ruby,
            Product::Django,
            Product::SpringBoot,
            Product::Express,
        ] {
            let keys: Vec<_> = p.cycles().iter().map(|(a, b, _)| (*a, *b)).collect();
            let mut sorted = keys.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(keys, sorted, "{}", p.name());
        }
    }
}
