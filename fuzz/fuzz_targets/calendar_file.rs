//! The operator's calendar file (`tinnhiem_core::calendar::Calendar::extend`):
//! never panics; a refused file leaves the calendar as it was and names a
//! line of the file; an accepted file can be given again without changing
//! anything, and the plan's deadlines compute on the result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::calendar::{Calendar, Date};

fuzz_target!(|data: &[u8]| {
    let mut c = Calendar::vietnam();
    let before = c.clone();
    match c.extend(data) {
        Err(e) => {
            assert_eq!(c, before, "a refused file changed the calendar");
            let lines = data.split(|&b| b == b'\n').count();
            assert!(e.line <= lines, "line {} of {lines}", e.line);
        }
        Ok(()) => {
            let once = c.clone();
            c.extend(data).expect("accepted once, accepted again");
            assert_eq!(c, once, "the same file twice changed the calendar");
            for meeting in [(2026, 8, 13), (2027, 4, 29), (1900, 1, 1)] {
                let d = Date::new(meeting.0, meeting.1, meeting.2).unwrap();
                if let Some(t) = c.timeline(d) {
                    assert!(t.self_report <= t.dossier && t.dossier <= t.questions);
                    assert!(t.questions <= t.answers && t.answers < d && d < t.report_due);
                    assert!(c.is_working(t.report_due) && c.is_working(t.answers));
                }
            }
        }
    }
});
