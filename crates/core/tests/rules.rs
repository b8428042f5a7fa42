//! The arithmetic of the rules (docs/RULES.md), checked at their boundaries:
//! R2 (quorum of 2/3 of the people summoned), R6 (percentages of ballots
//! returned, rounded half up to two decimals) and R7 (the consequences of
//! more than 50% and of 2/3 or more "low").

use proptest::prelude::*;
use tinnhiem_core::rules::{percent_hundredths, quorum_met, Consequence};

// ---------------------------------------------------------------- R2

#[test]
fn r2_quorum_is_met_at_exactly_two_thirds() {
    // 20 of 30 is exactly 2/3: `20 * 3 >= 30 * 2`.
    assert!(quorum_met(30, 20));
    assert!(quorum_met(3, 2));
    assert!(quorum_met(9, 6));
}

#[test]
fn r2_quorum_is_not_met_just_under_two_thirds() {
    assert!(!quorum_met(30, 19));
    assert!(!quorum_met(3, 1));
    assert!(!quorum_met(9, 5));
}

#[test]
fn r2_quorum_rounds_up_when_two_thirds_is_not_a_whole_person() {
    // 2/3 of 31 is 20.67 people: 21 are needed, 20 are not enough.
    assert!(quorum_met(31, 21));
    assert!(!quorum_met(31, 20));
    // 2/3 of 10 is 6.67: 7 are needed.
    assert!(quorum_met(10, 7));
    assert!(!quorum_met(10, 6));
}

#[test]
fn r2_everyone_present_meets_the_quorum_and_no_one_present_does_not() {
    assert!(quorum_met(1, 1));
    assert!(quorum_met(30, 30));
    assert!(!quorum_met(1, 0));
    assert!(!quorum_met(30, 0));
}

#[test]
fn r2_quorum_does_not_overflow_for_large_meetings() {
    // `present * 3` and `summoned * 2` overflow u32 here; the rule must not.
    assert!(quorum_met(u32::MAX, u32::MAX));
    assert!(!quorum_met(u32::MAX, u32::MAX / 3 * 2 - 1));
    let summoned = 3_000_000_000u32;
    assert!(quorum_met(summoned, 2_000_000_000));
    assert!(!quorum_met(summoned, 1_999_999_999));
}

proptest! {
    /// R2 is exactly "the smallest quorum is ⌈2·summoned/3⌉".
    #[test]
    fn r2_quorum_threshold_is_the_ceiling_of_two_thirds(summoned in 1u32..100_000, present in 0u32..100_000) {
        let needed = (u64::from(summoned) * 2).div_ceil(3);
        prop_assert_eq!(quorum_met(summoned, present), u64::from(present) >= needed);
    }
}

// ---------------------------------------------------------------- R7

#[test]
fn r7_exactly_half_low_is_not_over_fifty_percent() {
    // "exactly 50% is not over 50%".
    assert_eq!(Consequence::of(5, 10), Consequence::None);
    assert_eq!(Consequence::of(1, 2), Consequence::None);
    assert_eq!(Consequence::of(15, 30), Consequence::None);
    assert_eq!(Consequence::None.code(), "none");
}

#[test]
fn r7_just_over_half_low_is_rule_9_2() {
    assert_eq!(Consequence::of(6, 10), Consequence::Review);
    assert_eq!(Consequence::of(16, 30), Consequence::Review);
    // 51 of 101: 50.5% is over 50%.
    assert_eq!(Consequence::of(51, 101), Consequence::Review);
    assert_eq!(Consequence::Review.code(), "9.2");
}

#[test]
fn r7_just_under_two_thirds_low_is_still_rule_9_2() {
    // 19 of 30 = 63.3%; 199 of 300 = 66.33%: both under 2/3.
    assert_eq!(Consequence::of(19, 30), Consequence::Review);
    assert_eq!(Consequence::of(199, 300), Consequence::Review);
    // 2/3 of 31 is 20.67: 20 low is under 2/3.
    assert_eq!(Consequence::of(20, 31), Consequence::Review);
}

#[test]
fn r7_exactly_two_thirds_low_is_rule_9_3() {
    assert_eq!(Consequence::of(20, 30), Consequence::Dismissal);
    assert_eq!(Consequence::of(2, 3), Consequence::Dismissal);
    assert_eq!(Consequence::of(200, 300), Consequence::Dismissal);
    assert_eq!(Consequence::Dismissal.code(), "9.3");
}

#[test]
fn r7_more_than_two_thirds_low_is_rule_9_3() {
    assert_eq!(Consequence::of(21, 30), Consequence::Dismissal);
    assert_eq!(Consequence::of(30, 30), Consequence::Dismissal);
    assert_eq!(Consequence::of(1, 1), Consequence::Dismissal);
}

#[test]
fn r7_one_ballot_returned_and_no_low_has_no_consequence() {
    assert_eq!(Consequence::of(0, 1), Consequence::None);
    assert_eq!(Consequence::of(0, 30), Consequence::None);
}

#[test]
fn r7_nothing_returned_has_no_consequence() {
    assert_eq!(Consequence::of(0, 0), Consequence::None);
}

#[test]
fn r7_two_of_three_low_skips_rule_9_2() {
    // Over 50% and at least 2/3 at once: 9.3 takes precedence.
    assert_eq!(Consequence::of(2, 3), Consequence::Dismissal);
    // 1 of 3 is neither.
    assert_eq!(Consequence::of(1, 3), Consequence::None);
}

proptest! {
    /// R7 in the exact integer arithmetic of docs/RULES.md, for every count.
    #[test]
    fn r7_consequence_matches_the_integer_rule(returned in 1u64..10_000, low_frac in 0.0f64..=1.0) {
        let low = ((returned as f64) * low_frac).floor() as u64;
        let low = low.min(returned);
        let expected = if 3 * low >= 2 * returned {
            Consequence::Dismissal
        } else if 2 * low > returned {
            Consequence::Review
        } else {
            Consequence::None
        };
        prop_assert_eq!(Consequence::of(low, returned), expected);
    }
}

// ---------------------------------------------------------------- R6

#[test]
fn r6_one_third_rounds_to_33_33_percent() {
    assert_eq!(percent_hundredths(1, 3), 3333);
}

#[test]
fn r6_two_thirds_rounds_up_to_66_67_percent() {
    assert_eq!(percent_hundredths(2, 3), 6667);
}

#[test]
fn r6_one_eighth_is_exactly_12_5_percent() {
    assert_eq!(percent_hundredths(1, 8), 1250);
}

#[test]
fn r6_a_half_hundredth_rounds_up() {
    // 1/16 = 6.25% exactly; 1/160 = 0.625% → 0.63%; 1/32 = 3.125% → 3.13%.
    assert_eq!(percent_hundredths(1, 16), 625);
    assert_eq!(percent_hundredths(1, 160), 63);
    assert_eq!(percent_hundredths(1, 32), 313);
    // 1/6 = 16.666...% → 16.67%; 1/7 = 14.2857% → 14.29%.
    assert_eq!(percent_hundredths(1, 6), 1667);
    assert_eq!(percent_hundredths(1, 7), 1429);
    // Just under a half hundredth rounds down: 1/30000 = 0.00333% → 0.00%.
    assert_eq!(percent_hundredths(1, 30_000), 0);
    // Exactly a half hundredth: 1/20000 = 0.005% → 0.01%.
    assert_eq!(percent_hundredths(1, 20_000), 1);
}

#[test]
fn r6_all_and_none_are_100_and_0_percent() {
    assert_eq!(percent_hundredths(7, 7), 10_000);
    assert_eq!(percent_hundredths(0, 7), 0);
}

#[test]
fn r6_nothing_returned_gives_zero_percent() {
    assert_eq!(percent_hundredths(0, 0), 0);
}

#[test]
fn r6_denominator_is_ballots_returned_not_valid_entries() {
    // 10 ballots returned, of which 2 left this candidate blank (8 valid),
    // 4 marked "high": 4/10 = 40%, not 4/8 = 50%. The function's denominator
    // is the `returned` count it is given, which the tally passes.
    let returned = 10;
    let valid = 8;
    assert_eq!(percent_hundredths(4, returned), 4000);
    assert_ne!(
        percent_hundredths(4, returned),
        percent_hundredths(4, valid)
    );
}

proptest! {
    /// R6: the percentage is `100·count/returned` rounded half up to two
    /// decimals, compared with an independent computation in f64 (exact for
    /// these sizes: a true half is representable and the division is
    /// correctly rounded).
    #[test]
    fn r6_percent_is_rounded_half_up_to_two_decimals(returned in 1u64..100_000, count_frac in 0.0f64..=1.0) {
        let count = (((returned as f64) * count_frac).floor() as u64).min(returned);
        let exact = count as f64 * 10_000.0 / returned as f64;
        let expected = (exact + 0.5).floor() as u64;
        prop_assert_eq!(percent_hundredths(count, returned), expected);
    }
}

#[test]
fn calendar_dates_are_real_days_written_yyyy_mm_dd() {
    use tinnhiem_core::rules::is_calendar_date;
    for ok in [
        "2026-11-29",
        "2028-02-29",
        "2000-02-29",
        "2026-12-31",
        "1900-01-01",
    ] {
        assert!(is_calendar_date(ok), "{ok}");
    }
    for bad in [
        "2027-02-29",
        "1900-02-29",
        "2026-02-30",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-1-05",
        "29/11/2026",
        "2026/11/29",
        "",
        "２０２６-11-29",
        "1899-12-31",
    ] {
        assert!(!is_calendar_date(bad), "{bad}");
    }
}
