//! The arithmetic of the rules, in exact integers (docs/RULES.md).

/// R2: the meeting may vote only when `present * 3 >= summoned * 2`.
pub fn quorum_met(summoned: u32, present: u32) -> bool {
    u64::from(present) * 3 >= u64::from(summoned) * 2
}

/// The consequence of a candidate's result (R7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consequence {
    /// 50% low or less.
    None,
    /// Over 50% and under 2/3 low (rule 9.2): removed from planning; the
    /// authority considers reassignment, resignation or a no-confidence vote.
    Review,
    /// 2/3 or more low (rule 9.3): dismissed and moved to a lower post.
    Dismissal,
}

impl Consequence {
    /// R7, with `low` and `returned` as counts. With nothing returned there is
    /// no consequence.
    pub fn of(low: u64, returned: u64) -> Self {
        if returned == 0 {
            Consequence::None
        } else if 3 * low >= 2 * returned {
            Consequence::Dismissal
        } else if 2 * low > returned {
            Consequence::Review
        } else {
            Consequence::None
        }
    }

    /// The code used in `result.json`: `none`, `9.2` or `9.3`.
    pub fn code(&self) -> &'static str {
        match self {
            Consequence::None => "none",
            Consequence::Review => "9.2",
            Consequence::Dismissal => "9.3",
        }
    }
}

/// R6: `count` as a percentage of `returned`, in hundredths of a percent,
/// rounded half up (so `percent_hundredths(1, 3) = 3333`, i.e. 33.33%).
/// Zero when nothing was returned.
pub fn percent_hundredths(count: u64, returned: u64) -> u64 {
    if returned == 0 {
        0
    } else {
        (count * 20_000 + returned) / (2 * returned)
    }
}

/// Whether `date` is a day of the Gregorian calendar written `YYYY-MM-DD`
/// (four-digit year from 1900 to 9999, two-digit month and day): the
/// meeting's date, from which the report deadline (R12) is counted.
pub fn is_calendar_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=9999).contains(&y) && (1..=days).contains(&d)
}
