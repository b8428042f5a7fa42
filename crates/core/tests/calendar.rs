//! The calendar of working days and the plan's timeline (R12):
//! weekends, the 30 April and 1 May holidays, compensatory days, swaps,
//! Tết, and the operator's calendar file.

use tinnhiem_core::calendar::{
    Calendar, CalendarError, CalendarErrorKind, Date, DayKind, Weekday, BUILT_IN,
};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("{s} is a date"))
}

fn due(c: &Calendar, meeting: &str) -> String {
    c.report_due(d(meeting)).unwrap().to_string()
}

#[test]
fn dates_convert_to_days_and_back_and_know_their_weekday() {
    assert_eq!(d("1970-01-01").days(), 0);
    assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
    assert_eq!(d("2000-02-29").weekday(), Weekday::Tuesday);
    assert_eq!(d("2026-08-13").weekday(), Weekday::Thursday);
    assert_eq!(d("1900-01-01").weekday(), Weekday::Monday);
    let mut x = d("1900-01-01");
    let mut n = x.days();
    while let Some(next) = x.add_days(1) {
        n += 1;
        assert_eq!(next.days(), n);
        assert_eq!(Date::from_days(n), Some(next));
        x = next;
    }
    assert_eq!(x.to_string(), "9999-12-31");
    assert_eq!(d("1900-01-01").add_days(-1), None);
    for bad in [
        "2026-02-29",
        "2026-13-01",
        "26-08-13",
        "2026-8-13",
        "1899-12-31",
        "",
    ] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
}

#[test]
fn report_due_is_the_seventh_working_day_after_the_meeting() {
    let c = Calendar::vietnam();
    // Monday to Monday: one weekend in between.
    assert_eq!(due(&c, "2026-03-09"), "2026-03-18");
    // A Friday meeting: the weekend right after does not count.
    assert_eq!(due(&c, "2026-03-13"), "2026-03-24");
    // A meeting on a Saturday: counting starts on Monday.
    assert_eq!(due(&c, "2026-03-14"), "2026-03-24");
    assert_eq!(due(&c, "2026-03-15"), "2026-03-24");
}

#[test]
fn thirty_april_and_one_may_on_weekdays_are_not_working_days() {
    let c = Calendar::vietnam();
    // 2026: 30/4 Thursday, 1/5 Friday.
    assert_eq!(c.kind(d("2026-04-30")), DayKind::Holiday);
    assert_eq!(c.kind(d("2026-05-01")), DayKind::Holiday);
    assert_eq!(c.kind(d("2026-05-04")), DayKind::Working);
    // Tuesday 28/4: Wed 29 (1), Mon 4/5 (2) ... Mon 11/5 (7).
    assert_eq!(due(&c, "2026-04-28"), "2026-05-11");
}

#[test]
fn thirty_april_and_one_may_on_a_weekend_give_monday_and_tuesday_off() {
    let c = Calendar::vietnam();
    // 2022: 30/4 Saturday, 1/5 Sunday → 2/5 and 3/5 compensatory.
    assert_eq!(c.kind(d("2022-05-02")), DayKind::Compensatory);
    assert_eq!(c.kind(d("2022-05-03")), DayKind::Compensatory);
    assert_eq!(c.kind(d("2022-05-04")), DayKind::Working);
    assert_eq!(due(&c, "2022-04-29"), "2022-05-12");
    // 2023: Giỗ Tổ 29/4 Saturday, 30/4 Sunday, 1/5 Monday → 2/5, 3/5.
    assert_eq!(c.kind(d("2023-05-01")), DayKind::Holiday);
    assert_eq!(c.kind(d("2023-05-02")), DayKind::Compensatory);
    assert_eq!(c.kind(d("2023-05-03")), DayKind::Compensatory);
    assert_eq!(c.kind(d("2023-05-04")), DayKind::Working);
}

#[test]
fn the_rules_alone_compensate_thirty_april_and_one_may_in_a_year_without_data() {
    let c = Calendar::vietnam();
    assert!(!c.is_complete(2027));
    // 2027: 30/4 Friday, 1/5 Saturday → Monday 3/5 compensatory.
    assert_eq!(c.kind(d("2027-04-30")), DayKind::Holiday);
    assert_eq!(c.kind(d("2027-05-01")), DayKind::Holiday);
    assert_eq!(c.kind(d("2027-05-03")), DayKind::Compensatory);
    assert_eq!(c.kind(d("2027-05-04")), DayKind::Working);
    assert_eq!(due(&c, "2027-04-29"), "2027-05-12");
    let t = c.timeline(d("2027-04-29")).unwrap();
    assert!(!t.complete, "2027 has no Tết or Giỗ Tổ data");
}

#[test]
fn a_swapped_weekday_is_off_and_its_saturday_does_not_shorten_a_deadline() {
    let c = Calendar::vietnam();
    // 2024: Monday 29/4 off, Saturday 4/5 worked (the office is open, but
    // a deadline counts Monday to Friday only).
    assert_eq!(c.kind(d("2024-04-29")), DayKind::DayOff);
    assert_eq!(c.kind(d("2024-05-04")), DayKind::SwappedWorking);
    assert!(c.is_working(d("2024-05-04")));
    assert!(!c.counts_for_deadlines(d("2024-05-04")));
    // Fri 26/4: Thu 2/5 (1), Fri 3/5 (2), Mon 6 ... Fri 10 (7).
    assert_eq!(due(&c, "2024-04-26"), "2024-05-10");
    // 2026: the National Day swap makes Saturday 22/8 a working day; a
    // meeting on Thursday 13/8 still reports by Monday 24/8.
    assert_eq!(c.kind(d("2026-08-22")), DayKind::SwappedWorking);
    assert_eq!(due(&c, "2026-08-13"), "2026-08-24");
    assert_eq!(c.kind(d("2026-08-31")), DayKind::DayOff);
    assert_eq!(c.kind(d("2026-09-01")), DayKind::Holiday);
}

#[test]
fn tet_and_its_weekend_compensation_close_the_office_for_the_published_days() {
    let c = Calendar::vietnam();
    let closed = |from: &str, to: &str| {
        let mut x = d(from);
        let mut days = Vec::new();
        while x <= d(to) {
            if !c.is_working(x) {
                days.push(x.to_string());
            }
            x = x.add_days(1).unwrap();
        }
        days
    };
    // The published breaks, with the working days either side.
    for (before, first, last, after) in [
        ("2021-02-09", "2021-02-10", "2021-02-16", "2021-02-17"),
        ("2022-01-28", "2022-01-29", "2022-02-06", "2022-02-07"),
        ("2023-01-19", "2023-01-20", "2023-01-26", "2023-01-27"),
        ("2024-02-07", "2024-02-08", "2024-02-14", "2024-02-15"),
        ("2025-01-24", "2025-01-25", "2025-02-02", "2025-02-03"),
        ("2026-02-13", "2026-02-14", "2026-02-22", "2026-02-23"),
    ] {
        assert!(c.is_working(d(before)), "{before}");
        assert!(c.is_working(d(after)), "{after}");
        let n = d(last).days() - d(first).days() + 1;
        assert_eq!(closed(first, last).len() as i64, n, "{first}..{last}");
    }
    // Thursday 12/2/2026: Fri 13 (1), then Tết to 22/2, Mon 23 (2) ... Mon 2/3 (7).
    assert_eq!(due(&c, "2026-02-12"), "2026-03-02");
}

#[test]
fn the_deadlines_before_the_meeting_fall_on_working_days() {
    let c = Calendar::vietnam();
    let t = c.timeline(d("2026-08-13")).unwrap();
    assert_eq!(t.self_report.to_string(), "2026-07-24");
    assert_eq!(t.dossier.to_string(), "2026-07-29");
    assert_eq!(t.questions.to_string(), "2026-08-03");
    assert_eq!(t.answers.to_string(), "2026-08-10");
    assert!(t.complete);
    // Monday 11/5/2026: 15 days before is Sunday 26/4 (and Monday 27/4 is
    // Giỗ Tổ's compensatory day), so Friday 24/4; 10 days before is
    // 1/5, a holiday after the holiday 30/4, so Wednesday 29/4.
    let t = c.timeline(d("2026-05-11")).unwrap();
    assert_eq!(t.self_report.to_string(), "2026-04-21");
    assert_eq!(t.dossier.to_string(), "2026-04-24");
    assert_eq!(t.questions.to_string(), "2026-04-29");
    assert_eq!(t.answers.to_string(), "2026-05-08");
    assert_eq!(c.kind(d("2026-04-27")), DayKind::Compensatory);
}

#[test]
fn the_built_in_data_states_2021_to_2026_and_no_other_year() {
    let c = Calendar::vietnam();
    assert_eq!(
        c.complete_years().collect::<Vec<_>>(),
        vec![2021, 2022, 2023, 2024, 2025, 2026]
    );
    assert!(BUILT_IN.contains("complete 2026"));
    assert_eq!(Calendar::rules_only().complete_years().count(), 0);
    assert!(Calendar::rules_only().is_holiday(d("2031-09-02")));
    assert!(!Calendar::rules_only().is_holiday(d("2026-09-01")));
}

#[test]
fn an_operators_file_adds_a_year_and_its_swaps() {
    let mut c = Calendar::vietnam();
    let file = "\u{feff}# Lịch năm 2027 (thử)\r\n\
                holiday 2027-02-05 Tết Nguyên đán\r\n\
                holiday\t2027-02-08\tTết\r\n\
                \r\n\
                off 2027-02-12 Nghỉ hoán đổi\r\n\
                work 2027-02-20 Làm bù\r\n\
                complete 2027\r\n";
    c.extend(file.as_bytes()).unwrap();
    assert!(c.is_complete(2027));
    assert_eq!(c.kind(d("2027-02-05")), DayKind::Holiday);
    assert_eq!(c.kind(d("2027-02-12")), DayKind::DayOff);
    assert_eq!(c.kind(d("2027-02-20")), DayKind::SwappedWorking);
    assert_eq!(c.name(d("2027-02-08")), Some("Tết"));
    // Giving the built-in data again changes nothing.
    let before = c.clone();
    c.extend(BUILT_IN.as_bytes()).unwrap();
    assert_eq!(c, before);
}

fn refused(file: &str) -> CalendarError {
    let mut c = Calendar::vietnam();
    let before = c.clone();
    let e = c.extend(file.as_bytes()).expect_err(file);
    assert_eq!(c, before, "a refused file changed the calendar");
    e
}

#[test]
fn a_bad_calendar_file_is_refused_with_its_line() {
    use CalendarErrorKind::*;
    let cases: [(&str, usize, CalendarErrorKind); 9] = [
        ("holday 2027-02-05", 1, UnknownEntry),
        ("# ok\nholiday 2027-02-30 Tết", 2, BadDate),
        ("holiday 05/02/2027", 1, BadDate),
        ("off", 1, BadDate),
        ("work 2027-02-22 Monday", 1, WorkOnWeekday(d("2027-02-22"))),
        ("complete 27", 1, BadYear),
        ("complete 2027 all", 1, TrailingText),
        ("holiday 2027-02-05 T\u{7}t", 1, BadName),
        // 30/4/2028 is a Sunday and a holiday: it cannot be worked.
        ("\n\nwork 2028-04-30", 3, Conflict(d("2028-04-30"))),
    ];
    for (file, line, kind) in cases {
        assert_eq!(refused(file), CalendarError { line, kind }, "{file:?}");
    }
    assert_eq!(
        refused("work 2027-02-20\noff 2027-02-20"),
        CalendarError {
            line: 1,
            kind: Conflict(d("2027-02-20"))
        }
    );
    let long = format!("holiday 2027-02-05 {}", "a".repeat(201));
    assert_eq!(refused(&long).kind, BadName);
    let mut c = Calendar::vietnam();
    assert_eq!(c.extend(&[0xff, 0xfe]).unwrap_err().kind, NotUtf8);
    assert_eq!(
        c.extend(&vec![b'#'; (1 << 20) + 1]).unwrap_err().kind,
        TooLarge
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("holiday"),
            Just("off"),
            Just("work"),
            Just("complete"),
            Just("#"),
            Just("hol"),
        ];
        let date = prop_oneof![
            (2020u16..2030, 1u8..13, 1u8..32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
            (1900u16..10000).prop_map(|y| y.to_string()),
            "[0-9/ -]{0,12}",
        ];
        (word, date, "[a-zA-Zà-ỹ \t]{0,8}").prop_map(|(w, d, n)| format!("{w} {d} {n}"))
    }

    proptest! {
        /// What `fuzz/fuzz_targets/calendar_file.rs` checks, on files made
        /// of plausible lines: a refused file changes nothing and names a
        /// line of the file; an accepted one can be given again; the
        /// deadlines stay in order and on working days.
        #[test]
        fn any_calendar_file_is_refused_whole_or_accepted_consistently(
            lines in proptest::collection::vec(line(), 0..12),
        ) {
            let file = lines.join("\n");
            let mut c = Calendar::vietnam();
            let before = c.clone();
            match c.extend(file.as_bytes()) {
                Err(e) => {
                    prop_assert_eq!(&c, &before);
                    prop_assert!(e.line >= 1 && e.line <= lines.len().max(1));
                }
                Ok(()) => {
                    let once = c.clone();
                    c.extend(file.as_bytes()).unwrap();
                    prop_assert_eq!(&c, &once);
                    for m in ["2026-08-13", "2027-02-10", "2024-04-26"] {
                        let t = c.timeline(d(m)).unwrap();
                        prop_assert!(t.self_report <= t.dossier && t.dossier <= t.questions);
                        prop_assert!(t.answers < t.meeting && t.meeting < t.report_due);
                        prop_assert!(c.is_working(t.report_due) && c.is_working(t.self_report));
                    }
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut c = Calendar::rules_only();
            let _ = c.extend(&bytes);
        }
    }
}
