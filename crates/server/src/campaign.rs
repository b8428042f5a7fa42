//! The superior body's campaigns (đợt lấy phiếu) on the server: many
//! meetings, one or more per unit, consolidated from their logs alone (R8,
//! R11, R12).
//!
//! A campaign has a name, a deadline for the units' reports and the units
//! expected to hold a meeting. Its meetings come two ways:
//!
//! - an **election of this server** joins it: the organizer names the
//!   campaign's id in the election's set-up (`campaign` in
//!   [`ElectionInput`], on creation or on an edit of the draft), or an
//!   officer attaches the election by its id;
//! - a **unit that ran its own server** sends its log, and an officer
//!   uploads the file: it is verified on arrival with the inspector's own
//!   verifier ([`tinnhiem_tally::campaign::verify_logs`]) and refused, with
//!   its first bad line, unless every line holds; then it is kept in the
//!   store, flushed, before the answer.
//!
//! The consolidated table is [`tinnhiem_tally::campaign::consolidate`] over
//! every finished meeting, each log verified (its outcome cached by the
//! hash of its last line, which fixes every line before it): the document
//! of `tinnhiem campaign report --json`, its CSV and its printable report
//! ([`print`]).
//!
//! **R8.** A leader is rated in at most two places. Within one campaign the
//! server refuses to set up a third place for one personnel code
//! (`person`): creating, editing or sealing an election of the campaign,
//! or attaching a draft to it, whose ballot names a code already rated in
//! two of the campaign's other meetings is refused, naming those two
//! ([`CampaignError::ThirdPlace`]). Those set-up steps take one lock in
//! turn, so two drafts cannot each pass the check against the other. A
//! meeting already sealed, or a log uploaded, is a fact: it is accepted and
//! the consolidated table shows the third place as a violation, as the
//! command line's report does.
//!
//! **R11.** Everything here is for the superior body's officers alone: their
//! own account ([`Campaigns::login`]), separate from the organizer's.
//!
//! **R12.** Each meeting's status says whether its report reached the
//! superior body in time: by the campaign's deadline and within 7 working
//! days of the meeting ([`Calendar::report_due`]). The day it arrived is
//! the day of the upload, or, for an election of this server, the first
//! day this server saw its result in the log (checked every minute and on
//! every read).

pub mod print;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand::RngCore;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tinnhiem_core::calendar::{Calendar, Date};
use tinnhiem_core::encoding::hex;
use tinnhiem_core::log::{entry_hash, Candidate};
use tinnhiem_tally::campaign::{self as tc, Meeting, Verdict};
use tinnhiem_tally::Failed;

use crate::auth::{check_password, Sessions};
use crate::election::{Created, DomainError, ElectionInput, LogAnswer, LogRange, Registry};
use crate::store::{Store, StoreError};

/// The setting that holds every campaign's record (JSON).
const RECORDS_KEY: &str = "campaigns";
/// The setting that holds the officers' argon2 password hash.
pub(crate) const OFFICER_KEY: &str = "officer";
/// Largest log an officer may upload: 64 MiB (a meeting of 300 voters and
/// 15 leaders is about 10 MiB).
pub const LOG_LIMIT: usize = 64 * 1024 * 1024;
/// Most units one campaign may expect.
pub const MAX_UNITS: usize = 1000;

/// Why a campaign request is refused.
#[derive(Debug, Error)]
pub enum CampaignError {
    /// No such campaign.
    #[error("no such campaign")]
    NotFound,
    /// No officer session, or the wrong password.
    #[error("only the superior body's officers may do this")]
    Unauthorized,
    /// The server has no officer account (`serve --officer-password-file`).
    #[error("this server has no officer account: start it with --officer-password-file")]
    NoOfficer,
    /// A campaign's settings that break a rule.
    #[error("invalid campaign: {0}")]
    Invalid(String),
    /// R8: the set-up would rate a leader in a third place.
    #[error(
        "R8: the leader with code {person} is already rated in two places of this campaign: {first} and {second}"
    )]
    ThirdPlace {
        /// The personnel code.
        person: String,
        /// The first place (unit, date, position, meeting).
        first: String,
        /// The second place.
        second: String,
    },
    /// The election belongs to another campaign.
    #[error("election {election} is already in campaign {campaign}")]
    OtherCampaign {
        /// The election.
        election: String,
        /// The campaign it is in.
        campaign: String,
    },
    /// The meeting is in the campaign already (another log of it).
    #[error("this meeting ({election}) is already in the campaign as {existing}")]
    Duplicate {
        /// The election id.
        election: String,
        /// What holds it: an election of this server or an uploaded file.
        existing: String,
    },
    /// An uploaded log that fails verification.
    #[error("the log fails verification at line {seq}: {reason}")]
    BadLog {
        /// The first failing line, from 0.
        seq: u64,
        /// Why (English).
        reason: String,
        /// Why (Vietnamese).
        reason_vi: String,
    },
    /// An uploaded log over [`LOG_LIMIT`].
    #[error("the log is larger than {} MiB", LOG_LIMIT >> 20)]
    TooLarge,
    /// An election's own refusal (not found, phase, invalid input, storage).
    #[error("{0}")]
    Domain(#[from] DomainError),
}

impl From<StoreError> for CampaignError {
    fn from(e: StoreError) -> Self {
        CampaignError::Domain(e.into())
    }
}

/// What an officer enters to create a campaign.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Its name ("Lấy phiếu tín nhiệm năm 2026").
    pub name: String,
    /// The deadline for the units' reports, `YYYY-MM-DD`.
    pub deadline: String,
    /// The units expected to hold a meeting, by name as each meeting's
    /// `unit` will say it (compared ignoring case and repeated spaces).
    #[serde(default)]
    pub units: Vec<String>,
    /// The body that consolidates, for the printed report's heading
    /// ("Sở Y tế tỉnh Nam Định"); absent, "Cơ quan tổng hợp".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
}

/// An election of this server in a campaign.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Attached {
    id: String,
    /// The day this server first saw its result, `YYYY-MM-DD`.
    #[serde(default)]
    received: Option<String>,
}

/// A log uploaded from a unit's own server: what line 0 says, so that the
/// status and the R8 check need not read the file.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Upload {
    /// The file's number in this campaign (its key in the store).
    n: u32,
    /// The file's name as uploaded.
    name: String,
    election: String,
    title: String,
    unit: String,
    date: String,
    candidates: Vec<Candidate>,
    /// The election hash (entry hash of line 0), hex.
    election_hash: String,
    /// The entry hash of the last line, hex.
    head: String,
    /// The day of the upload.
    received: String,
    size: u64,
}

/// A campaign as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Record {
    id: String,
    name: String,
    deadline: String,
    units: Vec<String>,
    #[serde(default)]
    office: Option<String>,
    elections: Vec<Attached>,
    uploads: Vec<Upload>,
    /// The next upload's number.
    next_upload: u32,
}

/// A campaign in the list.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignSummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// The units expected.
    pub units: Vec<String>,
    /// The body that consolidates.
    pub office: Option<String>,
    /// Meetings in it (elections of this server and uploaded logs).
    pub meetings: usize,
}

/// One meeting of a campaign and how its report stands.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingStatus {
    /// `server` (an election of this server) or `upload` (a unit's log).
    pub source: String,
    /// The election id.
    pub election: String,
    /// For an upload: its number (`GET /api/campaigns/{id}/logs/{n}`) and
    /// file name.
    pub file: Option<u32>,
    /// The uploaded file's name.
    pub file_name: Option<String>,
    /// Title.
    pub title: String,
    /// The unit as the meeting names it.
    pub unit: String,
    /// The meeting's date.
    pub date: String,
    /// `draft`, `setup`, `voting`, `closed` or `done`.
    pub phase: String,
    /// The whole log verifies with the inspector's verifier (only a
    /// finished meeting has a whole log; `false` before).
    pub verified: bool,
    /// When the log does not verify: its first bad line and why.
    pub failure: Option<String>,
    /// The meeting's date plus 7 working days (R12).
    pub report_due: Option<String>,
    /// The day the result reached the superior body.
    pub received: Option<String>,
    /// `on_time`, `late`, `pending` (not yet due) or `overdue` (due, not
    /// received).
    pub timeliness: String,
    /// Why it is late or overdue, Vietnamese then English.
    pub timeliness_note: Option<String>,
    /// The entry hash of the last line of its log, hex.
    pub head: Option<String>,
}

/// A unit of the campaign and its meetings.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitStatus {
    /// The unit's name (as the campaign lists it, or as a meeting names a
    /// unit the campaign does not list).
    pub unit: String,
    /// The campaign lists it.
    pub expected: bool,
    /// `reported` (every meeting finished and verified), `in_progress`,
    /// or `not_reported` ("chưa báo cáo": no meeting yet).
    pub status: String,
    /// Its meetings, in date order.
    pub meetings: Vec<MeetingStatus>,
}

/// A campaign and how every unit stands.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Deadline.
    pub deadline: String,
    /// The server's day (Vietnam's time zone).
    pub today: String,
    /// The units expected, in order, then any unit a meeting names that
    /// the campaign does not list.
    pub units: Vec<UnitStatus>,
}

/// A log's verdict: the verified meeting, or its first bad line in words.
type Checked = Result<Arc<Meeting>, String>;

/// A meeting of the campaign as the set-up check sees it.
struct PlaceRef {
    election: String,
    unit: String,
    date: String,
    candidates: Vec<Candidate>,
}

impl PlaceRef {
    fn describe(&self, person: &str) -> String {
        let position = self
            .candidates
            .iter()
            .find(|c| c.person.as_deref() == Some(person))
            .map_or("", |c| c.position.as_str());
        format!(
            "{} — {} ({}, {})",
            self.unit, position, self.date, self.election
        )
    }
}

/// The campaigns, the officers' account and sessions.
pub(crate) struct Campaigns {
    store: Arc<dyn Store>,
    records: Mutex<Vec<Record>>,
    /// Held through every set-up step checked against R8 (create, edit,
    /// seal, attach, upload), so that the check and the change are one.
    setup: tokio::sync::Mutex<()>,
    /// Verified meetings by the entry hash of their log's last line.
    verified: Mutex<HashMap<[u8; 32], Checked>>,
    officer_hash: Option<String>,
    /// Officer sessions (never the organizer's).
    sessions: Sessions,
    calendar: Calendar,
    today: Option<Date>,
}

/// Today in Vietnam (UTC+7), from the system clock.
fn today_in_vietnam() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days((secs + 7 * 3600).div_euclid(86_400)).expect("the clock is within 1900–9999")
}

/// A unit's name for matching: case, spaces and their repetition ignored.
fn unit_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn text_ok(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.len() <= max && !s.chars().any(char::is_control)
}

impl Campaigns {
    /// Loads the campaigns from the store. `officer_hash` is the officers'
    /// password hash, if the server has an officer account; `today` fixes
    /// the day (tests), otherwise the system clock's day in Vietnam.
    pub(crate) fn open(
        store: Arc<dyn Store>,
        officer_hash: Option<String>,
        today: Option<Date>,
    ) -> Result<Campaigns, String> {
        let records = match store.get_setting(RECORDS_KEY).map_err(|e| e.to_string())? {
            Some(b) => serde_json::from_slice(&b)
                .map_err(|e| format!("the campaigns' records are damaged: {e}"))?,
            None => Vec::new(),
        };
        Ok(Campaigns {
            store,
            records: Mutex::new(records),
            setup: tokio::sync::Mutex::new(()),
            verified: Mutex::new(HashMap::new()),
            officer_hash,
            sessions: Sessions::default(),
            calendar: Calendar::vietnam(),
            today,
        })
    }

    fn today(&self) -> Date {
        self.today.unwrap_or_else(today_in_vietnam)
    }

    fn save(&self, records: &[Record]) -> Result<(), CampaignError> {
        self.store.put_setting(
            RECORDS_KEY,
            &serde_json::to_vec(records).expect("records serialize"),
        )?;
        Ok(())
    }

    /// Changes the records under their lock and saves them (flushed);
    /// nothing changes in memory unless the store took it.
    fn update<T>(
        &self,
        f: impl FnOnce(&mut Vec<Record>) -> Result<T, CampaignError>,
    ) -> Result<T, CampaignError> {
        let mut records = self.records.lock().expect("campaigns lock");
        let mut copy = records.clone();
        let t = f(&mut copy)?;
        self.save(&copy)?;
        *records = copy;
        Ok(t)
    }

    fn record(&self, id: &str) -> Result<Record, CampaignError> {
        self.records
            .lock()
            .expect("campaigns lock")
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or(CampaignError::NotFound)
    }

    /// The campaign that holds election `id`, if any.
    fn campaign_of(&self, election: &str) -> Option<String> {
        self.records
            .lock()
            .expect("campaigns lock")
            .iter()
            .find(|r| r.elections.iter().any(|a| a.id == election))
            .map(|r| r.id.clone())
    }

    // --- officers (R11) ---

    /// An officer logs in: a new session token.
    pub async fn login(&self, password: String) -> Result<String, CampaignError> {
        let Some(hash) = self.officer_hash.clone() else {
            return Err(CampaignError::NoOfficer);
        };
        let ok = tokio::task::spawn_blocking(move || check_password(&password, &hash))
            .await
            .unwrap_or(false);
        if !ok {
            return Err(CampaignError::Unauthorized);
        }
        Ok(self.sessions.create())
    }

    /// Whether `token` is a live officer session.
    pub fn is_officer(&self, token: &str) -> bool {
        self.sessions.check(token)
    }

    // --- the campaigns ---

    /// Creates a campaign.
    pub fn create(&self, input: CampaignInput) -> Result<CampaignSummary, CampaignError> {
        if !text_ok(&input.name, 300) {
            return Err(CampaignError::Invalid(
                "tên đợt lấy phiếu: 1 đến 300 byte, không có ký tự điều khiển (the name: 1 to 300 bytes, no control characters)".into(),
            ));
        }
        if Date::parse(&input.deadline).is_none() {
            return Err(CampaignError::Invalid(format!(
                "hạn báo cáo {:?} không phải một ngày dạng YYYY-MM-DD (the deadline is not a day written YYYY-MM-DD)",
                input.deadline
            )));
        }
        if input.units.len() > MAX_UNITS {
            return Err(CampaignError::Invalid(format!(
                "tối đa {MAX_UNITS} đơn vị (at most {MAX_UNITS} units)"
            )));
        }
        if input
            .office
            .as_deref()
            .is_some_and(|o| !o.trim().is_empty() && !text_ok(o, 300))
        {
            return Err(CampaignError::Invalid(
                "cơ quan tổng hợp: tối đa 300 byte, không có ký tự điều khiển (the office: at most 300 bytes, no control characters)".into(),
            ));
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, u) in input.units.iter().enumerate() {
            if !text_ok(u, 300) {
                return Err(CampaignError::Invalid(format!(
                    "đơn vị thứ {}: 1 đến 300 byte, không có ký tự điều khiển (unit {}: 1 to 300 bytes, no control characters)",
                    i + 1,
                    i + 1
                )));
            }
            let k = unit_key(u);
            if let Some(j) = seen.iter().position(|s| *s == k) {
                return Err(CampaignError::Invalid(format!(
                    "đơn vị thứ {} và thứ {} trùng tên (units {} and {} are the same)",
                    j + 1,
                    i + 1,
                    j + 1,
                    i + 1
                )));
            }
            seen.push(k);
        }
        let id = tinnhiem_tally::sim::random_id(&mut rand::rngs::OsRng);
        let record = Record {
            id: id.clone(),
            name: input.name.trim().to_owned(),
            deadline: input.deadline,
            units: input.units.iter().map(|u| u.trim().to_owned()).collect(),
            office: input
                .office
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty()),
            elections: Vec::new(),
            uploads: Vec::new(),
            next_upload: 0,
        };
        let summary = summary(&record);
        self.update(|rs| {
            rs.push(record);
            Ok(())
        })?;
        Ok(summary)
    }

    /// Every campaign, newest first.
    pub fn list(&self) -> Vec<CampaignSummary> {
        self.records
            .lock()
            .expect("campaigns lock")
            .iter()
            .rev()
            .map(summary)
            .collect()
    }

    // --- R8 at set-up ---

    /// The campaign's meetings other than election `except`.
    fn places(&self, rec: &Record, registry: &Registry, except: Option<&str>) -> Vec<PlaceRef> {
        let mut out = Vec::new();
        for a in &rec.elections {
            if Some(a.id.as_str()) == except {
                continue;
            }
            if let Ok(e) = registry.get(&a.id) {
                let v = e.view();
                out.push(PlaceRef {
                    election: a.id.clone(),
                    unit: v.unit,
                    date: v.date,
                    candidates: v.candidates,
                });
            }
        }
        for u in &rec.uploads {
            out.push(PlaceRef {
                election: u.election.clone(),
                unit: u.unit.clone(),
                date: u.date.clone(),
                candidates: u.candidates.clone(),
            });
        }
        out
    }

    /// R8: refuses `candidates` for a meeting of `rec` (election `except`
    /// itself left out) when a code among them is already rated in two of
    /// its other meetings.
    fn check_places(
        &self,
        rec: &Record,
        registry: &Registry,
        except: Option<&str>,
        candidates: &[Candidate],
    ) -> Result<(), CampaignError> {
        let places = self.places(rec, registry, except);
        for c in candidates {
            let Some(person) = &c.person else { continue };
            let at: Vec<&PlaceRef> = places
                .iter()
                .filter(|p| {
                    p.candidates
                        .iter()
                        .any(|o| o.person.as_deref() == Some(person))
                })
                .collect();
            if at.len() >= tc::MAX_PLACES {
                return Err(CampaignError::ThirdPlace {
                    person: person.clone(),
                    first: at[0].describe(person),
                    second: at[1].describe(person),
                });
            }
        }
        Ok(())
    }

    /// The campaign an election's set-up names or is in; refuses a set-up
    /// that names a campaign other than the one holding it.
    fn setup_campaign(
        &self,
        election: Option<&str>,
        named: Option<&str>,
    ) -> Result<Option<Record>, CampaignError> {
        let holding = election.and_then(|id| self.campaign_of(id));
        match (named, holding) {
            (Some(n), Some(h)) if n != h => Err(CampaignError::OtherCampaign {
                election: election.unwrap_or_default().to_owned(),
                campaign: h,
            }),
            (Some(n), _) => self.record(n).map(Some).map_err(|_| {
                CampaignError::Invalid(format!(
                    "không có đợt lấy phiếu {n:?} (no campaign with this id)"
                ))
            }),
            (None, Some(h)) => self.record(&h).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn join(
        &self,
        campaign: &str,
        election: &str,
        received: Option<String>,
    ) -> Result<(), CampaignError> {
        self.update(|rs| {
            let r = rs
                .iter_mut()
                .find(|r| r.id == campaign)
                .ok_or(CampaignError::NotFound)?;
            if !r.elections.iter().any(|a| a.id == election) {
                r.elections.push(Attached {
                    id: election.to_owned(),
                    received,
                });
            }
            Ok(())
        })
    }

    /// The organizer creates an election (`POST /api/elections`); with
    /// `campaign` in its set-up it joins that campaign, unless R8 refuses.
    pub async fn create_election(
        &self,
        registry: &Arc<Registry>,
        input: ElectionInput,
    ) -> Result<Created, CampaignError> {
        let _setup = self.setup.lock().await;
        let campaign = self.setup_campaign(None, input.campaign.as_deref())?;
        if let Some(rec) = &campaign {
            self.check_places(rec, registry, None, &candidates_of(&input))?;
        }
        let created = registry.create(input)?;
        if let Some(rec) = campaign {
            self.join(&rec.id, &created.id, None)?;
        }
        Ok(created)
    }

    /// The organizer edits a draft (`PUT /api/elections/{id}`): checked
    /// against the campaign it is in or names (R8); naming a campaign joins
    /// it.
    pub async fn edit_election<T>(
        &self,
        registry: &Registry,
        id: &str,
        input: ElectionInput,
        edit: impl FnOnce(ElectionInput) -> Result<T, DomainError>,
    ) -> Result<T, CampaignError> {
        let _setup = self.setup.lock().await;
        registry.get(id)?;
        let campaign = self.setup_campaign(Some(id), input.campaign.as_deref())?;
        if let Some(rec) = &campaign {
            self.check_places(rec, registry, Some(id), &candidates_of(&input))?;
        }
        let t = edit(input)?;
        if let Some(rec) = campaign {
            self.join(&rec.id, id, None)?;
        }
        Ok(t)
    }

    /// The organizer seals a draft (`POST /api/elections/{id}/seal`): its
    /// ballot is checked once more against its campaign (R8).
    pub async fn seal_election<F>(
        &self,
        registry: &Registry,
        id: &str,
        seal: F,
    ) -> Result<(), CampaignError>
    where
        F: std::future::Future<Output = Result<(), DomainError>>,
    {
        let _setup = self.setup.lock().await;
        let election = registry.get(id)?;
        if let Some(rec) = self.setup_campaign(Some(id), None)? {
            let view = election.view();
            if view.phase == "draft" {
                self.check_places(&rec, registry, Some(id), &view.candidates)?;
            }
        }
        seal.await?;
        Ok(())
    }

    /// An officer attaches an election of this server. A draft is checked
    /// against R8 like any set-up; a sealed election is a fact and is
    /// attached as it is.
    pub async fn attach(
        &self,
        registry: &Registry,
        campaign: &str,
        election: &str,
    ) -> Result<(), CampaignError> {
        let _setup = self.setup.lock().await;
        let rec = self.record(campaign)?;
        let e = registry.get(election)?;
        if let Some(other) = self.campaign_of(election) {
            if other == campaign {
                return Ok(());
            }
            return Err(CampaignError::OtherCampaign {
                election: election.to_owned(),
                campaign: other,
            });
        }
        let view = e.view();
        if let Some(u) = rec.uploads.iter().find(|u| u.election == view.id) {
            return Err(CampaignError::Duplicate {
                election: view.id,
                existing: u.name.clone(),
            });
        }
        if view.phase == "draft" {
            self.check_places(&rec, registry, Some(election), &view.candidates)?;
        }
        let received = (view.phase == "done").then(|| self.today().to_string());
        self.join(campaign, election, received)
    }

    /// An officer uploads a unit's log: verified with the inspector's
    /// verifier (refused with its first bad line), kept in the store.
    pub async fn upload(
        &self,
        registry: &Registry,
        campaign: &str,
        name: &str,
        log: Vec<u8>,
    ) -> Result<MeetingStatus, CampaignError> {
        self.record(campaign)?;
        if log.len() > LOG_LIMIT {
            return Err(CampaignError::TooLarge);
        }
        let meeting = verify(log.clone()).await?;
        let head = entry_hash(
            tinnhiem_tally::split_lines(&log)
                .last()
                .expect("a verified log has lines"),
        );
        let _setup = self.setup.lock().await;
        let rec = self.record(campaign)?;
        let election_hash = hex(&meeting.election_hash);
        let id = meeting.election.id.clone();
        if let Some(u) = rec
            .uploads
            .iter()
            .find(|u| u.election_hash == election_hash)
        {
            if u.head == hex(&head) {
                // The same file again (an answer lost): success.
                let n = u.n;
                drop(_setup);
                return self.status_of_upload(campaign, n);
            }
            return Err(CampaignError::Duplicate {
                election: id,
                existing: u.name.clone(),
            });
        }
        if let Some(a) = rec.elections.iter().find(|a| {
            registry
                .get(&a.id)
                .ok()
                .and_then(|e| e.view().election_hash)
                .is_some_and(|h| h == election_hash)
        }) {
            return Err(CampaignError::Duplicate {
                election: id,
                existing: format!("election {} of this server", a.id),
            });
        }
        let n = rec.next_upload;
        self.store.put_setting(&log_key(campaign, n), &log)?;
        let body = &meeting.election;
        let upload = Upload {
            n,
            name: file_name(name),
            election: id,
            title: body.title.clone(),
            unit: body.unit.clone(),
            date: body.date.clone(),
            candidates: body.candidates.clone(),
            election_hash,
            head: hex(&head),
            received: self.today().to_string(),
            size: log.len() as u64,
        };
        self.update(|rs| {
            let r = rs
                .iter_mut()
                .find(|r| r.id == campaign)
                .ok_or(CampaignError::NotFound)?;
            r.uploads.push(upload);
            r.next_upload = n + 1;
            Ok(())
        })?;
        self.verified
            .lock()
            .expect("verified lock")
            .insert(head, Ok(Arc::new(meeting)));
        drop(_setup);
        self.status_of_upload(campaign, n)
    }

    fn status_of_upload(&self, campaign: &str, n: u32) -> Result<MeetingStatus, CampaignError> {
        let rec = self.record(campaign)?;
        let u = rec
            .uploads
            .iter()
            .find(|u| u.n == n)
            .ok_or(CampaignError::NotFound)?;
        Ok(self.upload_status(&rec, u, Some(Ok(()))))
    }

    /// Uploaded log `n` of a campaign, as it was uploaded.
    pub fn uploaded_log(&self, campaign: &str, n: u32) -> Result<Vec<u8>, CampaignError> {
        let rec = self.record(campaign)?;
        if !rec.uploads.iter().any(|u| u.n == n) {
            return Err(CampaignError::NotFound);
        }
        self.store
            .get_setting(&log_key(campaign, n))?
            .ok_or_else(|| {
                CampaignError::Domain(DomainError::Storage(format!(
                    "campaign {campaign}: uploaded log {n} is missing from the store"
                )))
            })
    }

    // --- status and the consolidated table ---

    /// Records the day of the result of every finished election not yet
    /// marked (called every minute and on every read).
    pub fn note_results(&self, registry: &Registry) {
        let pending: Vec<String> = self
            .records
            .lock()
            .expect("campaigns lock")
            .iter()
            .flat_map(|r| r.elections.iter())
            .filter(|a| a.received.is_none())
            .map(|a| a.id.clone())
            .collect();
        let done: Vec<String> = pending
            .into_iter()
            .filter(|id| registry.get(id).is_ok_and(|e| e.view().phase == "done"))
            .collect();
        if done.is_empty() {
            return;
        }
        let today = self.today().to_string();
        let r = self.update(|rs| {
            for a in rs.iter_mut().flat_map(|r| r.elections.iter_mut()) {
                if a.received.is_none() && done.contains(&a.id) {
                    a.received = Some(today.clone());
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            tracing::error!(error = %e, "cannot record the day of a campaign's result");
        }
    }

    /// The log of every finished meeting, verified (cached by head):
    /// `(source description, Ok(meeting) | Err(failure))`, in the
    /// campaign's order (elections of this server, then uploads).
    async fn meetings(
        &self,
        registry: &Registry,
        rec: &Record,
    ) -> Result<Vec<(String, Checked)>, CampaignError> {
        let mut todo: Vec<(String, [u8; 32], Option<Vec<u8>>)> = Vec::new();
        for a in &rec.elections {
            let Ok(e) = registry.get(&a.id) else { continue };
            if e.view().phase != "done" {
                continue;
            }
            let LogAnswer::Lines { bytes, .. } = e.log_range(LogRange::default(), None) else {
                continue;
            };
            let head = log_head(&bytes);
            todo.push((a.id.clone(), head, Some(bytes)));
        }
        for u in &rec.uploads {
            let head =
                tinnhiem_core::encoding::unhex_array::<32>(&u.head, "head").map_err(|_| {
                    StoreError::Damaged(format!("campaign {}: upload {} head", rec.id, u.n))
                })?;
            todo.push((upload_key(u.n), head, None));
        }
        let mut out = Vec::with_capacity(todo.len());
        let mut missing: Vec<(usize, String, Vec<u8>)> = Vec::new();
        {
            let cache = self.verified.lock().expect("verified lock");
            for (name, head, _) in &todo {
                out.push((name.clone(), cache.get(head).cloned()));
            }
        }
        for (i, (name, _, bytes)) in todo.into_iter().enumerate() {
            if out[i].1.is_some() {
                continue;
            }
            let bytes = match bytes {
                Some(b) => b,
                None => {
                    let n: u32 = name["upload:".len()..].parse().expect("upload key");
                    self.uploaded_log(&rec.id, n)?
                }
            };
            missing.push((i, name, bytes));
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|(_, n, _)| n.clone()).collect();
            let logs: Vec<Vec<u8>> = missing.iter().map(|(_, _, b)| b.clone()).collect();
            let heads: Vec<[u8; 32]> = logs.iter().map(|b| log_head(b)).collect();
            let verdicts = tokio::task::spawn_blocking(move || {
                let mut seed = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut seed);
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
                let load = |i: usize| Ok::<_, ()>(logs[i].clone());
                tc::verify_logs(&names, threads, seed, &load)
            })
            .await
            .map_err(|e| DomainError::Storage(format!("verification task: {e}")))?;
            let mut cache = self.verified.lock().expect("verified lock");
            for (((i, _, _), v), head) in missing.iter().zip(verdicts).zip(heads) {
                let r = match v {
                    Verdict::Verified(m) => Ok(Arc::new(*m)),
                    Verdict::Failed(f) => Err(failure_text(&f)),
                    Verdict::Unreadable(()) => Err("unreadable".into()),
                };
                cache.insert(head, r.clone());
                out[*i].1 = Some(r);
            }
        }
        Ok(out
            .into_iter()
            .map(|(n, r)| (n, r.expect("every meeting verified")))
            .collect())
    }

    /// How every unit of campaign `id` stands.
    pub async fn view(&self, registry: &Registry, id: &str) -> Result<CampaignView, CampaignError> {
        self.note_results(registry);
        let rec = self.record(id)?;
        let verified: HashMap<String, Result<(), String>> = self
            .meetings(registry, &rec)
            .await?
            .into_iter()
            .map(|(n, r)| (n, r.map(|_| ())))
            .collect();
        let mut meetings: Vec<MeetingStatus> = Vec::new();
        for a in &rec.elections {
            let Ok(e) = registry.get(&a.id) else { continue };
            let v = e.view();
            let check = verified.get(&a.id).cloned();
            let mut m = MeetingStatus {
                source: "server".into(),
                election: v.id.clone(),
                file: None,
                file_name: None,
                title: v.title,
                unit: v.unit,
                date: v.date,
                phase: v.phase,
                verified: matches!(check, Some(Ok(()))),
                failure: check.and_then(Result::err),
                report_due: None,
                received: a.received.clone(),
                timeliness: String::new(),
                timeliness_note: None,
                head: v.head,
            };
            self.timeliness(&rec, &mut m);
            meetings.push(m);
        }
        for u in &rec.uploads {
            meetings.push(self.upload_status(&rec, u, verified.get(&upload_key(u.n)).cloned()));
        }
        meetings.sort_by(|a, b| a.date.cmp(&b.date));
        let mut units: Vec<UnitStatus> = rec
            .units
            .iter()
            .map(|u| UnitStatus {
                unit: u.clone(),
                expected: true,
                status: String::new(),
                meetings: Vec::new(),
            })
            .collect();
        for m in meetings {
            let k = unit_key(&m.unit);
            match units.iter_mut().find(|u| unit_key(&u.unit) == k) {
                Some(u) => u.meetings.push(m),
                None => units.push(UnitStatus {
                    unit: m.unit.clone(),
                    expected: false,
                    status: String::new(),
                    meetings: vec![m],
                }),
            }
        }
        for u in &mut units {
            u.status = if u.meetings.is_empty() {
                "not_reported"
            } else if u.meetings.iter().all(|m| m.verified) {
                "reported"
            } else {
                "in_progress"
            }
            .into();
        }
        Ok(CampaignView {
            id: rec.id,
            name: rec.name,
            deadline: rec.deadline,
            today: self.today().to_string(),
            units,
        })
    }

    fn upload_status(
        &self,
        rec: &Record,
        u: &Upload,
        check: Option<Result<(), String>>,
    ) -> MeetingStatus {
        let mut m = MeetingStatus {
            source: "upload".into(),
            election: u.election.clone(),
            file: Some(u.n),
            file_name: Some(u.name.clone()),
            title: u.title.clone(),
            unit: u.unit.clone(),
            date: u.date.clone(),
            phase: "done".into(),
            verified: matches!(check, Some(Ok(()))),
            failure: check.and_then(Result::err),
            report_due: None,
            received: Some(u.received.clone()),
            timeliness: String::new(),
            timeliness_note: None,
            head: Some(u.head.clone()),
        };
        self.timeliness(rec, &mut m);
        m
    }

    /// R12: on time, late, pending or overdue (see the module
    /// documentation).
    fn timeliness(&self, rec: &Record, m: &mut MeetingStatus) {
        let deadline = Date::parse(&rec.deadline);
        let date = Date::parse(&m.date);
        let due = date.and_then(|d| self.calendar.report_due(d));
        m.report_due = due.map(|d| d.to_string());
        let received = m.received.as_deref().and_then(Date::parse);
        let today = self.today();
        let mut notes: Vec<String> = Vec::new();
        if let (Some(d), Some(dl)) = (date, deadline) {
            if d > dl {
                notes.push(format!(
                    "họp ngày {d}, sau hạn của đợt {dl} (met after the campaign's deadline)"
                ));
            }
        }
        let (timeliness, more) = match received {
            Some(r) => {
                if due.is_some_and(|due| r > due) {
                    notes.push(format!(
                        "nhận ngày {r}, quá 7 ngày làm việc sau hội nghị (hạn {}) (received after the 7 working days of R12)",
                        due.expect("checked")
                    ));
                }
                if deadline.is_some_and(|dl| r > dl) {
                    notes.push(format!(
                        "nhận ngày {r}, sau hạn của đợt {} (received after the campaign's deadline)",
                        rec.deadline
                    ));
                }
                (if notes.is_empty() { "on_time" } else { "late" }, None)
            }
            None => {
                let limit = match (due, deadline) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                match limit {
                    Some(l) if today > l => (
                        "overdue",
                        Some(format!(
                            "quá hạn {l}, chưa có kết quả (overdue since {l}, no result yet)"
                        )),
                    ),
                    _ => ("pending", None),
                }
            }
        };
        notes.extend(more);
        m.timeliness = timeliness.into();
        m.timeliness_note = (!notes.is_empty()).then(|| notes.join("; "));
    }

    /// The consolidated campaign: [`tc::consolidate`] over every finished
    /// meeting whose log verifies, as `campaign report --json` gives it,
    /// with the log's names as this server knows them.
    pub async fn report(
        &self,
        registry: &Registry,
        id: &str,
    ) -> Result<(tc::Campaign, Option<Date>), CampaignError> {
        self.note_results(registry);
        let rec = self.record(id)?;
        let meetings = self.meetings(registry, &rec).await?;
        let list: Vec<Meeting> = meetings
            .into_iter()
            .filter_map(|(name, r)| {
                let m = r.ok()?;
                let mut m = (*m).clone();
                m.log = match name.strip_prefix("upload:") {
                    Some(n) => rec
                        .uploads
                        .iter()
                        .find(|u| u.n.to_string() == n)
                        .map_or(name.clone(), |u| u.name.clone()),
                    None => format!("{name}.jsonl"),
                };
                Some(m)
            })
            .collect();
        let c = tc::consolidate(&list, &self.calendar).map_err(|d| CampaignError::Duplicate {
            election: d.id,
            existing: d.first,
        })?;
        Ok((c, Date::parse(&rec.deadline)))
    }

    /// The body that consolidates, for the printed report's heading.
    pub fn office(&self, id: &str) -> Result<String, CampaignError> {
        Ok(self
            .record(id)?
            .office
            .unwrap_or_else(|| "Cơ quan tổng hợp".to_owned()))
    }
}

fn summary(r: &Record) -> CampaignSummary {
    CampaignSummary {
        id: r.id.clone(),
        name: r.name.clone(),
        deadline: r.deadline.clone(),
        units: r.units.clone(),
        office: r.office.clone(),
        meetings: r.elections.len() + r.uploads.len(),
    }
}

fn candidates_of(input: &ElectionInput) -> Vec<Candidate> {
    input
        .candidates
        .iter()
        .map(|c| Candidate {
            name: c.name.clone(),
            position: c.position.clone(),
            person: c.person.clone(),
        })
        .collect()
}

fn log_key(campaign: &str, n: u32) -> String {
    format!("campaign-log/{campaign}/{n}")
}

fn upload_key(n: u32) -> String {
    format!("upload:{n}")
}

/// The entry hash of a log's last line (zero for an empty log).
fn log_head(bytes: &[u8]) -> [u8; 32] {
    tinnhiem_tally::split_lines(bytes)
        .last()
        .map_or([0; 32], |l| entry_hash(l))
}

/// An uploaded file's name: its last path part, printable, at most 200
/// bytes.
fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = base.chars().filter(|c| !c.is_control()).collect();
    while s.len() > 200 {
        s.pop();
    }
    if s.trim().is_empty() {
        "log.jsonl".into()
    } else {
        s
    }
}

fn failure_text(f: &Failed) -> String {
    format!(
        "dòng {}: {} (line {}: {})",
        f.error.seq,
        tinnhiem_tally::vi::reason(&f.error.reason),
        f.error.seq,
        f.error.reason
    )
}

/// Verifies one log on the blocking pool, on every core.
async fn verify(log: Vec<u8>) -> Result<Meeting, CampaignError> {
    let v = tokio::task::spawn_blocking(move || {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let names = ["upload".to_owned()];
        let load = |_: usize| Ok::<_, ()>(log.clone());
        tc::verify_logs(&names, threads, seed, &load)
            .pop()
            .expect("one verdict")
    })
    .await
    .map_err(|e| DomainError::Storage(format!("verification task: {e}")))?;
    match v {
        Verdict::Verified(m) => Ok(*m),
        Verdict::Failed(f) => Err(CampaignError::BadLog {
            seq: f.error.seq,
            reason: f.error.reason.to_string(),
            reason_vi: tinnhiem_tally::vi::reason(&f.error.reason),
        }),
        Verdict::Unreadable(()) => unreachable!("the bytes are in memory"),
    }
}
