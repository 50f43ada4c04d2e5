//! Reporting periods: each ends at the agreement's local cut-off time (19:30
//! in Kyiv, say) and runs from the previous one. A period is named by the
//! local date on which it ends. With `weekends = "combined"`, Friday's
//! cut-off to Monday's is one period, named by the Monday.
//!
//! Local times come from the IANA database bundled into the program, so
//! every machine cuts periods at the same instants, summer time included.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::agreement::{Agreement, Weekends};

/// How an agreement cuts time into reporting periods.
#[derive(Clone, Debug)]
pub struct Periods {
    tz: TimeZone,
    cutoff_h: i8,
    cutoff_m: i8,
    weekends: Weekends,
}

impl Periods {
    pub fn new(a: &Agreement) -> Periods {
        let tz = TimeZone::get(a.timezone.get_ref()).unwrap_or(TimeZone::UTC);
        Periods {
            tz,
            cutoff_h: (a.reporting.cutoff_minutes / 60) as i8,
            cutoff_m: (a.reporting.cutoff_minutes % 60) as i8,
            weekends: a.reporting.weekends,
        }
    }

    /// The cut-off instant on a local date.
    pub fn cutoff(&self, d: Date) -> Timestamp {
        let z: ZonedDateTime = d
            .at(self.cutoff_h, self.cutoff_m, 0, 0)
            .to_zoned_datetime(self.tz.clone())
            .expect("in range");
        z.timestamp()
    }

    /// The period containing `t`: the local date of the cut-off that ends
    /// it. An instant exactly at a cut-off belongs to the period it ends.
    pub fn period_of(&self, t: Timestamp) -> Date {
        let local = t.to_zoned_datetime(self.tz.clone()).date();
        let mut d = if t <= self.cutoff(local) {
            local
        } else {
            local.tomorrow().expect("in range")
        };
        if self.weekends == Weekends::Combined {
            d = match d.weekday() {
                Weekday::Saturday => d.checked_add(jiff::Span::new().days(2)).expect("in range"),
                Weekday::Sunday => d.tomorrow().expect("in range"),
                _ => d,
            };
        }
        d
    }

    /// When the period named `d` ends.
    pub fn end(&self, d: Date) -> Timestamp {
        self.cutoff(d)
    }

    /// When it starts (the end of the period before).
    pub fn start(&self, d: Date) -> Timestamp {
        self.end(self.previous(d))
    }

    /// The period after `d`.
    pub fn next(&self, d: Date) -> Date {
        self.period_of(
            self.end(d)
                .checked_add(jiff::Span::new().seconds(1))
                .expect("in range"),
        )
    }

    /// The period before `d`.
    pub fn previous(&self, d: Date) -> Date {
        let mut p = d.yesterday().expect("in range");
        if self.weekends == Weekends::Combined {
            p = match p.weekday() {
                Weekday::Sunday => p.checked_sub(jiff::Span::new().days(2)).expect("in range"),
                Weekday::Saturday => p.yesterday().expect("in range"),
                _ => p,
            };
        }
        p
    }
}

/// Whole days from `from` to `to` (negative before), counting 24-hour
/// steps: "D+14" is fourteen days of 24 hours after D.
pub fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn periods(weekends: Weekends) -> Periods {
        Periods {
            tz: TimeZone::get("Europe/Kyiv").unwrap(),
            cutoff_h: 19,
            cutoff_m: 30,
            weekends,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn periods_end_at_the_local_cutoff_through_summer_time() {
        let p = periods(Weekends::Daily);
        // Winter: Kyiv is UTC+2, so 19:30 local is 17:30 UTC.
        assert_eq!(
            p.period_of(ts("2026-01-15T17:29:59Z")).to_string(),
            "2026-01-15"
        );
        assert_eq!(
            p.period_of(ts("2026-01-15T17:30:00Z")).to_string(),
            "2026-01-15"
        );
        assert_eq!(
            p.period_of(ts("2026-01-15T17:30:01Z")).to_string(),
            "2026-01-16"
        );
        // Summer: UTC+3, so 16:30 UTC.
        assert_eq!(
            p.period_of(ts("2026-07-15T16:30:01Z")).to_string(),
            "2026-07-16"
        );
        assert_eq!(
            p.end("2026-07-15".parse().unwrap()),
            ts("2026-07-15T16:30:00Z")
        );
        // The day the clocks go forward (29 March 2026) is a 23-hour period.
        let d: Date = "2026-03-29".parse().unwrap();
        assert_eq!(p.end(d).as_second() - p.start(d).as_second(), 23 * 3600);
        assert_eq!(p.next(d).to_string(), "2026-03-30");
        assert_eq!(p.previous(d).to_string(), "2026-03-28");
    }

    #[test]
    fn combined_weekends_run_from_friday_to_monday() {
        let p = periods(Weekends::Combined);
        // Saturday 14 March 2026, noon: in the period ending Monday 16th.
        assert_eq!(
            p.period_of(ts("2026-03-14T10:00:00Z")).to_string(),
            "2026-03-16"
        );
        // Friday after the cut-off, too.
        assert_eq!(
            p.period_of(ts("2026-03-13T18:00:00Z")).to_string(),
            "2026-03-16"
        );
        let mon: Date = "2026-03-16".parse().unwrap();
        assert_eq!(p.previous(mon).to_string(), "2026-03-13");
        assert_eq!(
            p.next("2026-03-13".parse().unwrap()).to_string(),
            "2026-03-16"
        );
        assert_eq!(
            p.end(mon).as_second() - p.start(mon).as_second(),
            3 * 86_400
        );
    }
}
