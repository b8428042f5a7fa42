//! A campaign (đợt lấy phiếu): many meetings, one per unit, each its own
//! election and log, possibly run on different servers, consolidated by the
//! superior body from the logs alone (R8, R12).
//!
//! [`verify_logs`] verifies every log on its own, several at once; nothing
//! is consolidated unless every log verifies, so a report never mixes a
//! verified count with an unverified one. [`consolidate`] then groups the
//! candidates by their personnel code (`person` in line 0, mã cán bộ): one
//! entry per leader, with the place of each meeting where he or she was
//! rated, in date order, so that the authority judges a leader rated in two
//! places from both results side by side (rule 9.4). A leader rated in more
//! than two places is an R8 violation. Each meeting gets the due date of its
//! report upward: the meeting's date plus 7 working days (R12,
//! [`Calendar::report_due`]).
//!
//! The serialized [`Campaign`] is the document of `tinnhiem campaign report
//! --json` (docs/INTERFACES.md). Pure apart from the worker threads: the
//! caller reads the files (the `load` closure) and chooses the randomness.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::Serialize;
use tinnhiem_core::calendar::{Calendar, Date};
use tinnhiem_core::log::{entry_hash, parse_line, ElectionBody, Payload};

use crate::result::LevelCount;
use crate::verify::{split_lines, verify_log_report, Failed, Outcome};

/// A verified meeting: its log's name, line 0 and the verified result.
#[derive(Clone, Debug)]
pub struct Meeting {
    /// The name the caller gave the log (its path).
    pub log: String,
    /// Line 0: the election as set up.
    pub election: ElectionBody,
    /// The entry hash of line 0 (the election hash).
    pub election_hash: [u8; 32],
    /// The verified result and exclusions.
    pub outcome: Outcome,
}

/// What became of one log.
#[derive(Clone, Debug)]
pub enum Verdict<E> {
    /// It verifies.
    Verified(Box<Meeting>),
    /// It does not: the first failing line and why.
    Failed(Failed),
    /// The caller's loader could not read it.
    Unreadable(E),
}

/// Verifies `count` logs, `load(i)` giving the bytes of log `i`, using
/// `threads` threads in all: up to `threads` logs at once, and when there
/// are fewer logs than threads, several threads on each. Each log's bytes
/// are dropped once it is verified, so that memory holds a few logs at a
/// time, not the whole campaign. `names[i]` names log `i` in the answer.
///
/// `seed` makes the batch weights of every log (each log its own ChaCha20
/// stream); it must be fresh and secret from the logs' authors (from the
/// operating system), as for [`crate::verify_log`].
pub fn verify_logs<E: Send>(
    names: &[String],
    threads: usize,
    seed: [u8; 32],
    load: &(dyn Fn(usize) -> Result<Vec<u8>, E> + Sync),
) -> Vec<Verdict<E>> {
    let count = names.len();
    let threads = threads.max(1);
    let one = |i: usize| -> Verdict<E> {
        let bytes = match load(i) {
            Ok(b) => b,
            Err(e) => return Verdict::Unreadable(e),
        };
        let mut rng = ChaCha20Rng::from_seed(seed);
        rng.set_stream(i as u64);
        let per_log = (threads / count.max(1)).max(1);
        match verify_log_report(&bytes, per_log, &mut rng, &mut |_, _| {}) {
            Ok(outcome) => {
                let line0 = split_lines(&bytes)[0];
                let Payload::Election(election) = parse_line(line0)
                    .expect("a verified log's line 0 decodes")
                    .payload
                else {
                    unreachable!("a verified log starts with its election");
                };
                Verdict::Verified(Box::new(Meeting {
                    log: names[i].clone(),
                    election,
                    election_hash: entry_hash(line0),
                    outcome,
                }))
            }
            Err(failed) => Verdict::Failed(failed),
        }
    };
    #[cfg(not(target_arch = "wasm32"))]
    if threads > 1 && count > 1 {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;
        let next = AtomicUsize::new(0);
        let out: Mutex<Vec<Option<Verdict<E>>>> = Mutex::new((0..count).map(|_| None).collect());
        std::thread::scope(|s| {
            for _ in 0..threads.min(count) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let v = one(i);
                    out.lock().expect("no worker panics")[i] = Some(v);
                });
            }
        });
        return out
            .into_inner()
            .expect("no worker panics")
            .into_iter()
            .map(|v| v.expect("every log verified"))
            .collect();
    }
    (0..count).map(one).collect()
}

/// One meeting of the campaign, as `--json` lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElectionRow {
    /// The log's name as given.
    pub log: String,
    /// The election id.
    pub id: String,
    /// The meeting's title.
    pub title: String,
    /// The unit.
    pub unit: String,
    /// The meeting's date, as in line 0.
    pub date: String,
    /// The entry hash of the log's last line, hex.
    pub log_head: String,
    /// The meeting's date plus 7 working days (R12); `null` when line 0's
    /// date is not a day written `YYYY-MM-DD`.
    pub report_due: Option<String>,
    /// Whether the calendar knows every day off between the meeting and
    /// `report_due` (otherwise a lunar holiday or a decision may be
    /// missing from it).
    #[serde(skip)]
    pub calendar_complete: bool,
}

/// One meeting where a leader was rated, with that meeting's result for
/// him or her (R6, R7).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    /// The election id.
    pub election: String,
    /// The unit.
    pub unit: String,
    /// The position on that ballot.
    pub position: String,
    /// Ballots returned at that meeting.
    pub returned: u64,
    /// Entries for this leader with exactly one level marked.
    pub valid: u64,
    /// "Tín nhiệm cao".
    pub high: LevelCount,
    /// "Tín nhiệm".
    pub confidence: LevelCount,
    /// "Tín nhiệm thấp".
    pub low: LevelCount,
    /// `none`, `9.2` or `9.3` (R7).
    pub consequence: String,
    /// Index of the meeting in [`Campaign::elections`].
    #[serde(skip)]
    pub meeting: usize,
    /// The leader's position on that ballot, from 0.
    #[serde(skip)]
    pub index: usize,
    /// Credentials issued at that meeting.
    #[serde(skip)]
    pub issued: u64,
    /// Blank entries for this leader (R5).
    #[serde(skip)]
    pub invalid: u64,
    /// The name on that ballot (the same code may carry another spelling).
    #[serde(skip)]
    pub name: String,
}

/// A leader and every place where he or she was rated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Person {
    /// The personnel code; `null` for a candidate without one, who stands
    /// alone (one place).
    pub person: Option<String>,
    /// The name at the first place where the leader appears.
    pub name: String,
    /// The places, in date order (then in the order the logs were given).
    pub places: Vec<Place>,
}

/// A rule the campaign as a whole breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `R8`.
    pub rule: &'static str,
    /// The leader's personnel code.
    pub person: String,
    /// In how many places the leader was rated.
    pub places: usize,
}

/// The consolidated campaign: `tinnhiem campaign report --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Campaign {
    /// The meetings, in the order the logs were given.
    pub elections: Vec<ElectionRow>,
    /// One entry per personnel code (and per candidate without one), in
    /// order of first appearance.
    pub people: Vec<Person>,
    /// R8: leaders rated in more than two places.
    pub violations: Vec<Violation>,
}

/// Most places where one leader may be rated (R8).
pub const MAX_PLACES: usize = 2;

/// The same election given twice: its two logs would count every leader
/// of it twice.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{second} is the same election ({id}) as {first}")]
pub struct Duplicate {
    /// The log given first.
    pub first: String,
    /// The log given again.
    pub second: String,
    /// The election id.
    pub id: String,
}

/// Consolidates verified meetings (see the module documentation).
/// Two logs of the same election (the same line 0) are refused.
pub fn consolidate(meetings: &[Meeting], calendar: &Calendar) -> Result<Campaign, Duplicate> {
    for (i, m) in meetings.iter().enumerate() {
        if let Some(first) = meetings[..i]
            .iter()
            .find(|f| f.election_hash == m.election_hash)
        {
            return Err(Duplicate {
                first: first.log.clone(),
                second: m.log.clone(),
                id: m.election.id.clone(),
            });
        }
    }
    let elections = meetings
        .iter()
        .map(|m| {
            let due =
                Date::parse(&m.election.date).and_then(|d| Some((d, calendar.report_due(d)?)));
            ElectionRow {
                log: m.log.clone(),
                id: m.election.id.clone(),
                title: m.election.title.clone(),
                unit: m.election.unit.clone(),
                date: m.election.date.clone(),
                log_head: m.outcome.result.log_head.clone(),
                report_due: due.map(|(_, r)| r.to_string()),
                calendar_complete: due.is_some_and(|(d, r)| calendar.covers(d, r)),
            }
        })
        .collect::<Vec<_>>();
    let mut people: Vec<Person> = Vec::new();
    for (k, m) in meetings.iter().enumerate() {
        for (j, (c, r)) in m
            .election
            .candidates
            .iter()
            .zip(&m.outcome.result.candidates)
            .enumerate()
        {
            let place = Place {
                election: m.election.id.clone(),
                unit: m.election.unit.clone(),
                position: c.position.clone(),
                returned: r.returned,
                valid: r.valid,
                high: r.high.clone(),
                confidence: r.confidence.clone(),
                low: r.low.clone(),
                consequence: r.consequence.clone(),
                meeting: k,
                index: j,
                issued: r.issued,
                invalid: r.invalid,
                name: c.name.clone(),
            };
            match c
                .person
                .as_ref()
                .and_then(|code| people.iter_mut().find(|p| p.person.as_ref() == Some(code)))
            {
                Some(p) => p.places.push(place),
                None => people.push(Person {
                    person: c.person.clone(),
                    name: c.name.clone(),
                    places: vec![place],
                }),
            }
        }
    }
    // Line 0's date is `YYYY-MM-DD` in every log the server makes, whose
    // text order is the time order; the sort is stable, so meetings of one
    // day stay in the order the logs were given.
    for p in &mut people {
        p.places
            .sort_by(|a, b| elections[a.meeting].date.cmp(&elections[b.meeting].date));
    }
    let violations = people
        .iter()
        .filter(|p| p.places.len() > MAX_PLACES)
        .filter_map(|p| {
            Some(Violation {
                rule: "R8",
                person: p.person.clone()?,
                places: p.places.len(),
            })
        })
        .collect();
    Ok(Campaign {
        elections,
        people,
        violations,
    })
}
