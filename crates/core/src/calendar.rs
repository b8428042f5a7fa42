//! Working days in Viet Nam and the timeline of the plan (R12).
//!
//! The plan counts back from the meeting in calendar days (the leader's
//! self-report 20 days before, the dossier to the voters 15 days before,
//! the voters' written questions at least 10 days before, the leader's
//! supplementary answers at least 3 days before) and forward in *working*
//! days (the result reaches the superior body within 7 working days after
//! the meeting). A working day of a state office is Monday to Friday, except:
//!
//! - the public holidays of the Labour Code 2019 (Bộ luật Lao động
//!   45/2019/QH14), article 112 clause 1: 1 January; Tết Nguyên đán, 5 days;
//!   30 April; 1 May; 2 September and one day next to it, before or after;
//!   Giỗ Tổ Hùng Vương, the 10th day of the 3rd lunar month. Clause 3 leaves
//!   the exact Tết days and the day next to 2 September to the Prime
//!   Minister each year;
//! - the compensatory days of article 111 clause 3: a public holiday that
//!   falls on a weekly rest day (Saturday, Sunday) gives a day off on the
//!   next working day;
//! - the days the Government swaps (hoán đổi ngày làm việc): a weekday off,
//!   made up on a Saturday that becomes a working day.
//!
//! The four solar holidays are built in as rules for every year. Everything
//! that depends on the lunar calendar or on a yearly decision is *data*: the
//! years this module can state are in `calendar/vn.txt` (2021 to 2026, from
//! the Government's published decisions), in the same format as the
//! operator's own file ([`Calendar::extend`]), which adds later years and
//! any change. A year is [`complete`](Calendar::is_complete) when some data
//! says it lists all of that year's days off; a deadline that runs through
//! a year that is not is computed from what is known and says so
//! ([`Timeline::complete`]).
//!
//! Pure: no clock, no I/O; dates are from 1900 to 9999 (as
//! [`rules::is_calendar_date`](crate::rules::is_calendar_date)).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use thiserror::Error;

/// A day of the Gregorian calendar, from 1900-01-01 to 9999-12-31.
/// Ordered in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekday {
    /// Thứ Hai.
    Monday,
    /// Thứ Ba.
    Tuesday,
    /// Thứ Tư.
    Wednesday,
    /// Thứ Năm.
    Thursday,
    /// Thứ Sáu.
    Friday,
    /// Thứ Bảy.
    Saturday,
    /// Chủ nhật.
    Sunday,
}

impl Weekday {
    /// Saturday or Sunday: the weekly rest days of a state office.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The day `year-month-day`, if it exists and is within 1900–9999.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1900..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` (exactly ten characters, as in line 0's `date`).
    pub fn parse(s: &str) -> Option<Date> {
        if !crate::rules::is_calendar_date(s) {
            return None;
        }
        let n = |r: core::ops::Range<usize>| s[r].parse().ok();
        Date::new(n(0..4)?, n(5..7)? as u8, n(8..10)? as u8)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian
    /// calendar counted in 400-year eras of 146,097 days.
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12; // March = 0
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01, if within 1900–9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, month as u8, day as u8)
    }

    /// The day `n` days later (earlier for negative `n`), if within range.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days(self.days().checked_add(n)?)
    }

    /// The day of the week (1970-01-01 was a Thursday).
    pub fn weekday(self) -> Weekday {
        const DAYS: [Weekday; 7] = [
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
        ];
        DAYS[self.days().rem_euclid(7) as usize]
    }
}

impl core::fmt::Display for Date {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What a day is for a state office.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// Monday to Friday, no holiday.
    Working,
    /// A Saturday or Sunday made a working day by a swap.
    SwappedWorking,
    /// Saturday or Sunday.
    WeeklyRest,
    /// A public holiday (article 112 clause 1).
    Holiday,
    /// The day off that makes up for a holiday on a weekly rest day
    /// (article 111 clause 3).
    Compensatory,
    /// Another day off decided for state offices (a swapped weekday).
    DayOff,
}

impl DayKind {
    /// The office is open.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Working | DayKind::SwappedWorking)
    }
}

/// The four solar holidays of article 112 clause 1 (a, c, d, đ): the same
/// day every year.
pub const FIXED_HOLIDAYS: [(u8, u8, &str); 4] = [
    (1, 1, "Tết Dương lịch"),
    (4, 30, "Ngày Chiến thắng"),
    (5, 1, "Ngày Quốc tế lao động"),
    (9, 2, "Quốc khánh"),
];

/// The days off that were published for state offices, in the format of
/// [`Calendar::extend`]: the years stated in it are the ones this module
/// vouches for.
pub const BUILT_IN: &str = include_str!("calendar/vn.txt");

/// How far back [`Calendar::kind`] looks for a holiday on a weekly rest day
/// whose compensatory day has not yet been given: a run of holidays and
/// days off longer than this would be needed to carry a compensation
/// further, and none has ever been that long (the longest, Tết, is nine
/// days).
const COMPENSATION_WINDOW: i64 = 31;

/// Largest calendar file read, in bytes.
pub const MAX_FILE: usize = 1 << 20;

/// Longest name of a day in a calendar file, in bytes.
pub const MAX_NAME: usize = 200;

/// Working days and days off; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeMap<Date, String>,
    days_off: BTreeMap<Date, String>,
    swapped_working: BTreeMap<Date, String>,
    complete: BTreeSet<u16>,
}

/// Why a calendar file was refused: the line (from 1; 0 for the file as a
/// whole) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("calendar line {line}: {kind}")]
pub struct CalendarError {
    /// The line, from 1 (0: the whole file).
    pub line: usize,
    /// What is wrong.
    pub kind: CalendarErrorKind,
}

/// What is wrong with a line of a calendar file.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CalendarErrorKind {
    /// The file is not UTF-8.
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    /// The file is larger than [`MAX_FILE`].
    #[error("the file is larger than 1 MiB")]
    TooLarge,
    /// The first word is not `holiday`, `off`, `work` or `complete`.
    #[error("unknown entry (expected holiday, off, work or complete)")]
    UnknownEntry,
    /// The date is missing or not a day written `YYYY-MM-DD` (1900–9999).
    #[error("not a day written YYYY-MM-DD")]
    BadDate,
    /// `complete` without a year from 1900 to 9999.
    #[error("not a year from 1900 to 9999")]
    BadYear,
    /// The name is longer than [`MAX_NAME`] bytes or has a control character.
    #[error("the name is longer than 200 bytes or has a control character")]
    BadName,
    /// `work` on Monday to Friday, which is a working day already.
    #[error("work on {0}, which is not a Saturday or Sunday")]
    WorkOnWeekday(Date),
    /// `work` on a day that is also a holiday or a day off.
    #[error("{0} is both a working day and a day off")]
    Conflict(Date),
    /// Text after the year of `complete`.
    #[error("unexpected text after the year")]
    TrailingText,
}

fn err(line: usize, kind: CalendarErrorKind) -> CalendarError {
    CalendarError { line, kind }
}

/// A parsed entry of a calendar file.
enum Entry {
    Holiday(Date, String),
    Off(Date, String),
    Work(Date, String),
    Complete(u16),
}

fn parse_line(line: &str, n: usize) -> Result<Option<Entry>, CalendarError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (word, rest) = line
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((line, ""));
    let rest = rest.trim_start();
    let (arg, name) = rest
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((rest, ""));
    let name = name.trim();
    if name.len() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(err(n, CalendarErrorKind::BadName));
    }
    let date = || Date::parse(arg).ok_or(err(n, CalendarErrorKind::BadDate));
    Ok(Some(match word {
        "holiday" => Entry::Holiday(date()?, name.into()),
        "off" => Entry::Off(date()?, name.into()),
        "work" => {
            let d = date()?;
            if !d.weekday().is_weekend() {
                return Err(err(n, CalendarErrorKind::WorkOnWeekday(d)));
            }
            Entry::Work(d, name.into())
        }
        "complete" => {
            let year = (arg.len() == 4 && arg.bytes().all(|b| b.is_ascii_digit()))
                .then(|| arg.parse::<u16>().ok())
                .flatten()
                .filter(|y| (1900..=9999).contains(y))
                .ok_or(err(n, CalendarErrorKind::BadYear))?;
            if !name.is_empty() {
                return Err(err(n, CalendarErrorKind::TrailingText));
            }
            Entry::Complete(year)
        }
        _ => return Err(err(n, CalendarErrorKind::UnknownEntry)),
    }))
}

impl Calendar {
    /// Only the rules: weekends, the four solar holidays and their
    /// compensatory days; no year complete.
    pub fn rules_only() -> Calendar {
        Calendar::default()
    }

    /// The rules and the built-in data ([`BUILT_IN`]).
    pub fn vietnam() -> Calendar {
        let mut c = Calendar::default();
        c.extend(BUILT_IN.as_bytes())
            .expect("the built-in calendar is valid (tested)");
        c
    }

    /// Adds the entries of a calendar file (UTF-8, one entry a line):
    ///
    /// ```text
    /// # a comment; blank lines are ignored
    /// holiday  YYYY-MM-DD [name]   a public holiday (art. 112); on a Saturday
    ///                              or Sunday it gives a compensatory day
    /// off      YYYY-MM-DD [name]   another day off (a swapped weekday)
    /// work     YYYY-MM-DD [name]   a Saturday or Sunday made a working day
    /// complete YYYY                the data lists every day off of that year
    /// ```
    ///
    /// Words are separated by spaces or tabs; a byte-order mark and `\r\n`
    /// line ends are accepted. Entries already known are accepted again.
    /// Refused, with the line: anything else, a `work` day that is not a
    /// Saturday or Sunday, and a day that would be both a working day and a
    /// day off (with this file or with what the calendar already holds).
    /// On an error the calendar is unchanged.
    pub fn extend(&mut self, bytes: &[u8]) -> Result<(), CalendarError> {
        if bytes.len() > MAX_FILE {
            return Err(err(0, CalendarErrorKind::TooLarge));
        }
        let text = core::str::from_utf8(bytes).map_err(|_| err(0, CalendarErrorKind::NotUtf8))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut next = self.clone();
        let mut work_lines = BTreeMap::new();
        for (i, line) in text.split('\n').enumerate() {
            let n = i + 1;
            match parse_line(line, n)? {
                None => {}
                Some(Entry::Holiday(d, name)) => {
                    next.holidays.entry(d).or_insert(name);
                }
                Some(Entry::Off(d, name)) => {
                    next.days_off.entry(d).or_insert(name);
                }
                Some(Entry::Work(d, name)) => {
                    work_lines.entry(d).or_insert(n);
                    next.swapped_working.entry(d).or_insert(name);
                }
                Some(Entry::Complete(y)) => {
                    next.complete.insert(y);
                }
            }
        }
        // Conflicts are judged on the whole result, so that the order of
        // the lines does not matter; the line named is the `work` line (or,
        // for a `work` the calendar held before, the first line of the file).
        for d in next.swapped_working.keys() {
            if next.is_holiday(*d) || next.days_off.contains_key(d) {
                let line = work_lines.get(d).copied().unwrap_or(1);
                return Err(err(line, CalendarErrorKind::Conflict(*d)));
            }
        }
        *self = next;
        Ok(())
    }

    /// Whether the data says it lists every day off of `year`.
    pub fn is_complete(&self, year: u16) -> bool {
        self.complete.contains(&year)
    }

    /// The years that are complete, in order.
    pub fn complete_years(&self) -> impl Iterator<Item = u16> + '_ {
        self.complete.iter().copied()
    }

    /// Whether `d` is a public holiday (a solar one, or one in the data).
    pub fn is_holiday(&self, d: Date) -> bool {
        FIXED_HOLIDAYS
            .iter()
            .any(|&(m, day, _)| d.month == m && d.day == day)
            || self.holidays.contains_key(&d)
    }

    /// The name of the holiday or day off on `d`, if any.
    pub fn name(&self, d: Date) -> Option<&str> {
        FIXED_HOLIDAYS
            .iter()
            .find(|&&(m, day, _)| d.month == m && d.day == day)
            .map(|&(_, _, n)| n)
            .or_else(|| self.holidays.get(&d).map(String::as_str))
            .or_else(|| self.days_off.get(&d).map(String::as_str))
            .or_else(|| self.swapped_working.get(&d).map(String::as_str))
    }

    /// What `d` is for a state office.
    pub fn kind(&self, d: Date) -> DayKind {
        if self.swapped_working.contains_key(&d) {
            DayKind::SwappedWorking
        } else if self.is_holiday(d) {
            DayKind::Holiday
        } else if self.days_off.contains_key(&d) {
            DayKind::DayOff
        } else if d.weekday().is_weekend() {
            DayKind::WeeklyRest
        } else if self.is_compensatory(d) {
            DayKind::Compensatory
        } else {
            DayKind::Working
        }
    }

    /// Whether the office is open on `d`.
    pub fn is_working(&self, d: Date) -> bool {
        self.kind(d).is_working()
    }

    /// Article 111 clause 3, in date order: each holiday on a Saturday or
    /// Sunday takes the first later weekday that is not a holiday, not a
    /// day off and not already taken by an earlier one.
    fn is_compensatory(&self, d: Date) -> bool {
        let Some(start) = d.add_days(-COMPENSATION_WINDOW) else {
            return false;
        };
        let mut taken = BTreeSet::new();
        let mut h = start;
        while h < d {
            if h.weekday().is_weekend()
                && self.is_holiday(h)
                && !self.swapped_working.contains_key(&h)
            {
                let mut x = h;
                loop {
                    let Some(next) = x.add_days(1) else {
                        return false;
                    };
                    x = next;
                    if !x.weekday().is_weekend()
                        && !self.is_holiday(x)
                        && !self.days_off.contains_key(&x)
                        && !taken.contains(&x)
                    {
                        break;
                    }
                }
                if x == d {
                    return true;
                }
                taken.insert(x);
            }
            h = match h.add_days(1) {
                Some(n) => n,
                None => return false,
            };
        }
        false
    }

    /// Whether `d` counts as a working day for the plan's deadlines:
    /// Monday to Friday and not a holiday, compensatory day or day off. A
    /// Saturday worked in a swap ([`DayKind::SwappedWorking`]) does not
    /// count: the office is open, but a deadline counted in working days
    /// must never fall earlier than the Monday-to-Friday count (a unit that
    /// does not know of the swap is never late by it).
    pub fn counts_for_deadlines(&self, d: Date) -> bool {
        self.kind(d) == DayKind::Working
    }

    /// The `n`-th working day after `d` (`d` itself not counted), working
    /// days as [`Calendar::counts_for_deadlines`]; `None` past 9999.
    pub fn working_days_after(&self, d: Date, n: u32) -> Option<Date> {
        let mut x = d;
        let mut left = n;
        while left > 0 {
            x = x.add_days(1)?;
            if self.counts_for_deadlines(x) {
                left -= 1;
            }
        }
        Some(x)
    }

    /// The last working day on or before `d` (as
    /// [`Calendar::counts_for_deadlines`]); `None` before 1900.
    pub fn working_day_on_or_before(&self, d: Date) -> Option<Date> {
        let mut x = d;
        while !self.counts_for_deadlines(x) {
            x = x.add_days(-1)?;
        }
        Some(x)
    }

    /// Whether every year from `from` to `to` is complete.
    pub fn covers(&self, from: Date, to: Date) -> bool {
        (from.year..=to.year).all(|y| self.is_complete(y))
    }

    /// The plan's deadlines for a meeting on `meeting` (R12); `None` when
    /// one of them falls outside 1900–9999.
    pub fn timeline(&self, meeting: Date) -> Option<Timeline> {
        let before = |days: i64| self.working_day_on_or_before(meeting.add_days(-days)?);
        let self_report = before(SELF_REPORT_DAYS)?;
        let report_due = self.working_days_after(meeting, REPORT_WORKING_DAYS)?;
        Some(Timeline {
            meeting,
            self_report,
            dossier: before(DOSSIER_DAYS)?,
            questions: before(QUESTIONS_DAYS)?,
            answers: before(ANSWERS_DAYS)?,
            report_due,
            complete: self.covers(self_report, report_due),
        })
    }

    /// The meeting's report deadline alone: `meeting` plus
    /// [`REPORT_WORKING_DAYS`] working days (R12).
    pub fn report_due(&self, meeting: Date) -> Option<Date> {
        self.working_days_after(meeting, REPORT_WORKING_DAYS)
    }
}

/// Plan 7.3: the leader's self-report reaches the organizer this many days
/// before the meeting.
pub const SELF_REPORT_DAYS: i64 = 20;
/// Plan 5.1 step 1: the dossier reaches the voters this many days before.
pub const DOSSIER_DAYS: i64 = 15;
/// Plan 7.4: the voters' written questions, at the latest this many days
/// before.
pub const QUESTIONS_DAYS: i64 = 10;
/// Plan 7.3: the leader's supplementary answers, at the latest this many
/// days before.
pub const ANSWERS_DAYS: i64 = 3;
/// Plan 7.1: the result reaches the superior body within this many working
/// days after the meeting.
pub const REPORT_WORKING_DAYS: u32 = 7;

/// The deadlines of the plan for one meeting (R12).
///
/// The plan counts the days before the meeting in calendar days; a
/// document is handed to an open office, so each such deadline is the last
/// working day on or before the day the plan names (handing it in earlier
/// still keeps "at least N days before"). The report upward counts working
/// days: the 7th working day after the meeting day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// The meeting.
    pub meeting: Date,
    /// The leader's self-report to the organizer (20 days before).
    pub self_report: Date,
    /// The dossier to the voters (15 days before).
    pub dossier: Date,
    /// The voters' written questions (at least 10 days before).
    pub questions: Date,
    /// The leader's supplementary answers (at least 3 days before).
    pub answers: Date,
    /// The result to the superior body (7 working days after).
    pub report_due: Date,
    /// Every year from `self_report` to `report_due` is complete in the
    /// calendar; otherwise a lunar holiday or a decision may be missing and
    /// the dates are only as good as the rules.
    pub complete: bool,
}
