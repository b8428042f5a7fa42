//! The routes and their handlers. Each handler parses its input, calls one
//! function of [`crate::election`], and maps the outcome. The request types
//! here exist for the OpenAPI description, with the rules a JSON schema can
//! state (lengths, hex patterns, ranges); bodies are decoded straight into
//! the core's types, whose JSON has the same shape. `BallotRequest` also
//! tells a ballot of another shape (`400`) from one whose hex is not points
//! and proofs (`422`). `schemathesis` checks the description against the
//! server: `scripts/schemathesis.sh`, `docs/RELIABILITY.md`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{
    self as oas, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::ToSchema;

use tinnhiem_core::ballot::Ballot;
use tinnhiem_core::log::{
    AuditBody, ComplaintBody, CredentialsBody, DealingBody, DecryptionBody, QuorumBody, ResultBody,
    StatementBody, TrusteeKeyBody,
};
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::ElectionResult;

use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::election::{
    hex_field, AuditReceipt, AuditView, Created, CredentialStatus, DomainError, Edited,
    ElectionInput, ElectionSummary, ElectionView, LogAnswer, LogRange, Reader, ReceiptSchema,
    SignedHead, Totals,
};

type ApiResult<T> = Result<T, ApiError>;

/// Refuses a body that is not declared as JSON.
fn check_json(headers: &HeaderMap) -> ApiResult<()> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "Nội dung phải là JSON (Content-Type: application/json).",
            "The body must be JSON (Content-Type: application/json).",
        ))
    }
}

/// Decodes a JSON body into `T`, refusing other content types (`415`) and
/// bodies that do not decode (`400`).
pub(crate) fn parse<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> ApiResult<T> {
    check_json(headers)?;
    decode(body).map_err(|(e, _)| ApiError::malformed(e))
}

/// [`parse`] for a body whose content the core decodes beyond its JSON
/// shape `S` (a ballot: hex that must be curve points and scalars). A body
/// of shape `S` whose content does not decode is refused with `invalid`
/// (`422`), like any other well-formed content that breaks a rule; a body
/// without the shape, as malformed (`400`).
fn parse_shaped<S: DeserializeOwned, T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
    invalid: impl FnOnce(String) -> DomainError,
) -> ApiResult<T> {
    check_json(headers)?;
    decode(body).map_err(|(e, value)| match value {
        Some(v) if S::deserialize(&v).is_ok() => invalid(e.to_string()).into(),
        _ => ApiError::malformed(e),
    })
}

/// Decodes `T`. JSON (and JSON Schema, so the OpenAPI description) counts
/// `2.0` and `2e0` as the integer 2; serde's integers do not: a body that
/// does not decode is read again with such whole numbers written as
/// integers. Only refused bodies pay for the second reading. The error
/// comes with the body as a JSON value when it is JSON.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, (serde_json::Error, Option<Value>)> {
    let first = match serde_json::from_slice(body) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err((first, None));
    };
    match whole_numbers_as_integers(body) {
        Some(rewritten) => serde_json::from_slice(&rewritten).map_err(|e| (e, Some(value))),
        None => Err((first, Some(value))),
    }
}

/// Rewrites, in valid JSON text, every number written with a fraction or an
/// exponent whose value is a whole number of at most 20 digits as that
/// integer (`-0.0` → `0`, `1.5e1` → `15`, `100e-2` → `1`). Works on the
/// decimal digits, not through `f64` (whose parsing is not exact, and which
/// would turn `9007199254740993.0` into another integer). `None` when
/// nothing changed.
fn whole_numbers_as_integers(json: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(json.len());
    let mut changed = false;
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'"' => {
                // A string: copy it through its closing quote.
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(json.len());
                out.extend_from_slice(&json[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < json.len()
                    && matches!(json[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &json[start..i];
                match whole_integer(token) {
                    Some(integer) => {
                        out.extend_from_slice(integer.as_bytes());
                        changed = true;
                    }
                    None => out.extend_from_slice(token),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

/// The integer a JSON number token with a fraction or an exponent stands
/// for, when it is whole and has at most 20 digits.
fn whole_integer(token: &[u8]) -> Option<String> {
    let token = std::str::from_utf8(token).ok()?;
    let (negative, unsigned) = match token.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if frac.is_empty() && !unsigned.contains(['e', 'E']) {
        return None; // already an integer
    }
    let all = format!("{int}{frac}");
    let significant = all.trim_start_matches('0');
    if significant.is_empty() {
        return Some("0".into());
    }
    let shift = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let digits = if shift < 0 {
        // The last |shift| digits are the fraction: whole when all are 0.
        let keep = significant
            .len()
            .checked_sub(usize::try_from(shift.unsigned_abs()).ok()?)?;
        if !significant[keep..].bytes().all(|b| b == b'0') {
            return None;
        }
        significant[..keep].to_owned()
    } else {
        let zeros = usize::try_from(shift).ok()?;
        if significant.len().checked_add(zeros)? > 20 {
            return None;
        }
        format!("{significant}{}", "0".repeat(zeros))
    };
    Some(if negative {
        format!("-{digits}")
    } else {
        digits
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

pub(crate) fn organizer(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    match bearer(headers) {
        Some(t) if state.registry.sessions.check(t) => Ok(()),
        _ => Err(DomainError::Unauthorized.into()),
    }
}

/// The organizer's login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The organizer's password.
    pub password: String,
}

/// A session token, sent back as `Authorization: Bearer <token>`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoginAnswer {
    /// The token.
    pub token: String,
}

/// The organizer's description of a meeting: the body that
/// `ElectionInput` decodes, with the rules of its texts and counts.
/// "Text" is not blank, has no control character and is at most as many
/// bytes of UTF-8 as its `maxLength` (the schema can only bound characters).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectionRequest {
    /// Title: text of at most 300 bytes.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub title: String,
    /// Unit: text of at most 300 bytes.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub unit: String,
    /// Date of the meeting, `YYYY-MM-DD` by convention: text of at most 32
    /// bytes, written as it is on the ballot and the minutes.
    #[schema(min_length = 1, max_length = 32, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub date: String,
    /// Candidates, in ballot order (1 to 100).
    #[schema(min_items = 1, max_items = 100)]
    pub candidates: Vec<CandidateRequest>,
    /// People summoned.
    #[schema(format = Int32, minimum = 1, maximum = 1000000)]
    pub summoned: u32,
    /// Members of the counting committee (1 to 20), each text of at most
    /// 200 bytes.
    #[schema(schema_with = committee_schema)]
    pub committee: Vec<String>,
    /// How many members must take part in decryption (`t` of `n`): 1 to
    /// the number of members, which gives n of n. Absent: the smallest
    /// majority (2 of 3, 3 of 5). Refused out of range with `invalid`.
    #[schema(minimum = 1, maximum = 20)]
    pub threshold: Option<u32>,
    /// The id of the superior body's campaign the meeting joins (R8: a
    /// ballot that would rate a leader in a third place of the campaign is
    /// refused with `r8_places`). Not in line 0.
    pub campaign: Option<String>,
}

/// A candidate as the organizer enters it, with the facts R9 needs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateRequest {
    /// Full name: text of at most 200 bytes.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    /// Position: text of at most 300 bytes.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub position: String,
    /// Announced as retiring (R9: not rated; `true` is refused with
    /// `excluded_r9`).
    #[serde(default)]
    pub retiring: bool,
    /// Appointed or elected in the year of the vote (R9: not rated; `true`
    /// is refused with `excluded_r9`).
    #[serde(default)]
    pub appointed_this_year: bool,
    /// The leader's personnel code (mã cán bộ), naming the same leader
    /// across the meetings of a campaign (R8): 1 to 32 of `A-Z a-z 0-9 - _
    /// . /`, the first a letter or digit; two lines of one ballot may not
    /// share it. Written in line 0. Absent: none.
    #[schema(
        min_length = 1,
        max_length = 32,
        pattern = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$"
    )]
    pub person: Option<String>,
}

/// Text without control characters, as the JSON Schema pattern says it.
const TEXT: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";

fn text_schema(max: usize) -> oas::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(TEXT))
        .build()
}

/// Lowercase hex of exactly `bytes` bytes.
fn hex_schema(bytes: usize) -> oas::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[0-9a-f]{{{}}}$", 2 * bytes)))
        .build()
}

fn list_schema(
    items: oas::Object,
    min: Option<usize>,
    max: Option<usize>,
    description: &str,
) -> oas::Array {
    ArrayBuilder::new()
        .items(items)
        .min_items(min)
        .max_items(max)
        .description(Some(description))
        .build()
}

fn committee_schema() -> oas::Array {
    list_schema(
        text_schema(200),
        Some(1),
        Some(20),
        "Members of the counting committee (1 to 20), each text of at most 200 bytes.",
    )
}

fn credentials_schema() -> oas::Array {
    list_schema(
        hex_schema(32),
        None,
        None,
        "Public credentials, 32 bytes each, hex.",
    )
}

fn shares_schema() -> oas::Array {
    list_schema(
        hex_schema(128),
        None,
        None,
        "Per total, `D ‖ T1 ‖ T2 ‖ s` (128 bytes), hex.",
    )
}

fn answers_schema() -> oas::Array {
    list_schema(
        hex_schema(1088),
        Some(1),
        Some(100),
        "One answer per candidate (1088 bytes each), hex.",
    )
}

fn counts_schema() -> oas::Array {
    let triple = ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0)),
        )
        .min_items(Some(3))
        .max_items(Some(3))
        .build();
    ArrayBuilder::new()
        .items(oas::ArrayItems::RefOrSchema(Box::new(triple.into())))
        .description(Some("`[high, confidence, low]` per candidate."))
        .build()
}

#[utoipa::path(post, path = "/api/login", request_body = LoginRequest,
    responses((status = 200, description = "A new session", body = LoginAnswer),
        (status = 403, description = "Wrong password (`forbidden`)", body = ErrorBody)))]
/// Organizer login.
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<LoginAnswer>> {
    let req: LoginRequest = parse(&headers, &body)?;
    let hash = state.organizer_hash.clone();
    let ok = tokio::task::spawn_blocking(move || crate::auth::check_password(&req.password, &hash))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(DomainError::Unauthorized.into());
    }
    Ok(Json(LoginAnswer {
        token: state.registry.sessions.create(),
    }))
}

#[utoipa::path(post, path = "/api/elections", request_body = ElectionRequest, security(("organizer" = [])),
    responses((status = 201, description = "Created, with the codes to hand out", body = Created),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 422, description = "Against a rule (`invalid`, `excluded_r9`, `duplicate_candidate`: two lines name the same leader)", body = ErrorBody)))]
/// The organizer creates a meeting (R9 exclusions are refused).
pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Created>)> {
    organizer(&state, &headers)?;
    let input: ElectionInput = parse(&headers, &body)?;
    // Through the campaigns: a meeting of a campaign is checked against R8.
    let created = state
        .campaigns
        .create_election(&state.registry, input)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/elections", security(("organizer" = [])),
    responses((status = 200, description = "Every election, newest first, drafts included", body = Vec<ElectionSummary>),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody)))]
/// The organizer's list of elections (the start page links each one).
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<ElectionSummary>>> {
    organizer(&state, &headers)?;
    Ok(Json(state.registry.list()))
}

#[utoipa::path(put, path = "/api/elections/{id}", request_body = ElectionRequest, params(("id" = String, Path, description = "The election id.")), security(("organizer" = [])),
    responses((status = 200, description = "Edited; the codes issued anew when the number of members or of candidates changed (the old ones of that kind stop working), else null", body = Edited),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Already sealed (`phase`)", body = ErrorBody),
        (status = 422, description = "Against a rule (`invalid`, `excluded_r9`, `duplicate_candidate`)", body = ErrorBody)))]
/// The organizer edits the draft, anything in it, until it is sealed.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Edited>> {
    organizer(&state, &headers)?;
    let input: ElectionInput = parse(&headers, &body)?;
    let election = state.registry.get(&id)?;
    let edited = state
        .campaigns
        .edit_election(&state.registry, &id, input, |input| {
            election.edit(state.store.as_ref(), input)
        })
        .await?;
    Ok(Json(edited))
}

#[utoipa::path(delete, path = "/api/elections/{id}", params(("id" = String, Path, description = "The election id.")), security(("organizer" = [])),
    responses((status = 204, description = "Deleted, durably, with its codes"),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Sealed: its log is never deleted (`phase`)", body = ErrorBody)))]
/// The organizer deletes a draft (never a sealed election).
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    organizer(&state, &headers)?;
    state.registry.delete(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/seal", params(("id" = String, Path, description = "The election id.")), security(("organizer" = [])),
    responses((status = 204, description = "Sealed"),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Already sealed (`phase`)", body = ErrorBody)))]
/// The organizer seals the draft; the log starts and the key ceremony opens.
pub(crate) async fn seal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    organizer(&state, &headers)?;
    let seal = state.registry.get(&id)?.seal(state.store.clone());
    state
        .campaigns
        .seal_election(&state.registry, &id, seal)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/elections/{id}", params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "The meeting's state", body = ElectionView)))]
/// The meeting's public state.
pub(crate) async fn view(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ElectionView>> {
    Ok(Json(state.registry.get(&id)?.view()))
}

/// A committee member's key share, with the enrollment code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrusteeKeyRequest {
    /// Member index (0 to 19, in the order of `committee`).
    #[schema(maximum = 19)]
    pub trustee: u32,
    /// `Yᵢ` (32 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub key: String,
    /// Proof of knowledge (64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub proof: String,
    /// The enrollment code handed out at creation.
    pub code: String,
}

#[utoipa::path(post, path = "/api/elections/{id}/trustees", request_body = TrusteeKeyRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "Published in the log"),
        (status = 403, description = "Wrong enrollment code (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Not in the key ceremony (`phase`)", body = ErrorBody),
        (status = 422, description = "Against a rule of the log (`invalid`, `rejected`)", body = ErrorBody)))]
/// Key ceremony: a member publishes a key share (never the secret).
pub(crate) async fn trustee_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: TrusteeKeyRequest = parse(&headers, &body)?;
    let share = TrusteeKeyBody {
        trustee: req.trustee,
        key: tinnhiem_core::log::Hex(hex_field(&req.key, "key")?),
        proof: tinnhiem_core::log::Hex(hex_field(&req.proof, "proof")?),
    };
    state
        .registry
        .get(&id)?
        .add_trustee_key(share, &req.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attendance, signed by a committee member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuorumRequest {
    /// People present (at most the people summoned).
    #[schema(maximum = 1000000)]
    pub present: u32,
    /// Signing member (0 to 19).
    #[schema(maximum = 19)]
    pub signer: u32,
    /// Signature (context `quorum`, 64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// A statement with no content, signed by a committee member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedRequest {
    /// Signing member (0 to 19).
    #[schema(maximum = 19)]
    pub signer: u32,
    /// Signature (64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// Public credentials of a printed sheet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialsRequest {
    /// Public credentials (32 bytes each), hex.
    #[schema(schema_with = credentials_schema)]
    pub credentials: Vec<String>,
    /// Signing member (0 to 19).
    #[schema(maximum = 19)]
    pub signer: u32,
    /// Signature (context `credentials`, 64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// A member's partial decryptions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecryptionRequest {
    /// Member index (0 to 19).
    #[schema(maximum = 19)]
    pub trustee: u32,
    /// Per total, `D ‖ T1 ‖ T2 ‖ s` (128 bytes), hex.
    #[schema(schema_with = shares_schema)]
    pub shares: Vec<String>,
}

/// The decrypted counts, signed by a member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultRequest {
    /// `[high, confidence, low]` per candidate.
    #[schema(schema_with = counts_schema)]
    pub counts: Vec<[u64; 3]>,
    /// Signing member (0 to 19).
    #[schema(maximum = 19)]
    pub signer: u32,
    /// Signature (context `result`, 64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// An encrypted ballot: the shape of the body that `Ballot` decodes
/// (whose answers must also be curve points and proofs, refused with
/// `invalid_ballot` when they are not).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    /// Public credential (32 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub credential: String,
    /// One answer per candidate (1088 bytes each), hex.
    #[schema(schema_with = answers_schema)]
    pub answers: Vec<String>,
    /// The declared name (R4), text of at most 200 bytes, or null.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub signed_by: Option<String>,
    /// Credential signature (64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// The field names of [`BallotRequest`], and no others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read for their names only
struct BallotFields {
    credential: serde::de::IgnoredAny,
    answers: serde::de::IgnoredAny,
    #[serde(default)]
    signed_by: Option<serde::de::IgnoredAny>,
    signature: serde::de::IgnoredAny,
}

/// A voter's request for the result (R11).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoterResultRequest {
    /// The public credential of a counted ballot (32 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub credential: String,
    /// Signature by the credential (context `result-access`) on the election hash (64 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

macro_rules! statement_handler {
    ($name:ident, $path:literal, $req:ty, $body:ty, $method:ident, $doc:literal) => {
        #[utoipa::path(post, path = $path, request_body = $req, params(("id" = String, Path, description = "The election id.")),
            responses((status = 204, description = "Published in the log"),
                (status = 409, description = "Not in this phase, or no quorum (`phase`, `quorum`)", body = ErrorBody),
                (status = 422, description = "Against a rule of the log (`rejected`)", body = ErrorBody)))]
        #[doc = $doc]
        pub(crate) async fn $name(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
            let req: $body = parse(&headers, &body)?;
            state.registry.get(&id)?.$method(req).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

statement_handler!(
    quorum,
    "/api/elections/{id}/quorum",
    QuorumRequest,
    QuorumBody,
    record_quorum,
    "Attendance (R2), signed by a committee member."
);
statement_handler!(
    credentials,
    "/api/elections/{id}/credentials",
    CredentialsRequest,
    CredentialsBody,
    add_credentials,
    "Public credentials of a printed sheet (R3), signed by a committee member."
);
#[utoipa::path(post, path = "/api/elections/{id}/cancel", request_body = CredentialsRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "In the log (or was already: the same statement sent again); as many new slips may be issued"),
        (status = 409, description = "Not before the close (`phase`)", body = ErrorBody),
        (status = 422, description = "A slip that has voted (`cancel_used`); one never issued, cancelled already or named twice (`cancel_invalid`), each message naming the slip; a signature that does not verify at this place (`rejected`)", body = ErrorBody)))]
/// Cancels unused slips (torn, lost, misprinted), a committee statement
/// like the credentials' (context `cancel`): their ballots are refused, and
/// as many new slips may be issued within the attendance.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: CredentialsBody = parse(&headers, &body)?;
    state.registry.get(&id)?.cancel(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

statement_handler!(
    open,
    "/api/elections/{id}/open",
    SignedRequest,
    StatementBody,
    open,
    "Opens voting (refused without the quorum of R2)."
);

#[utoipa::path(post, path = "/api/elections/{id}/decryptions", request_body = DecryptionRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "Published in the log"),
        (status = 409, description = "Voting is not closed (`phase`)", body = ErrorBody),
        (status = 422, description = "A member disqualified in the key ceremony (`not_qualified`), a proof that fails (`bad_decryption`), or another rule of the log (`rejected`)", body = ErrorBody)))]
/// A member's partial decryption of the totals: with its trustee key (n of
/// n) or its share of the threshold key, refused for a member not in `Q`.
pub(crate) async fn decryption(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: DecryptionBody = parse(&headers, &body)?;
    state.registry.get(&id)?.add_decryption(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/result", request_body = ResultRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "Published in the log"),
        (status = 409, description = "Not in this phase (`phase`), or fewer than `threshold` members have decrypted (`decryptions_needed`)", body = ErrorBody),
        (status = 422, description = "Counts that differ from the decryption, or a bad signature (`rejected`)", body = ErrorBody)))]
/// Publishes the result (refused unless it equals the decryption).
pub(crate) async fn result_publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: ResultBody = parse(&headers, &body)?;
    state.registry.get(&id)?.publish_result(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member's dealing in the threshold key ceremony.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealingRequest {
    /// The dealing's bytes (PROTOCOL.md §10.3), which name the dealer and
    /// carry its signature, hex.
    #[schema(pattern = "^([0-9a-f]{2})+$")]
    pub dealing: String,
}

/// A member's complaint against a dealer's share.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// The complaint's 136 bytes (PROTOCOL.md §10.7), which name the dealer
    /// and the complaining member, hex.
    #[schema(pattern = "^[0-9a-f]{272}$")]
    pub complaint: String,
}

#[utoipa::path(post, path = "/api/elections/{id}/dealings", request_body = DealingRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "In the log (or was already: the same dealing sent again)"),
        (status = 409, description = "Not in the key ceremony (`phase`), or out of its order: a trustee key missing, another dealing by this member, an n-of-n election, the key published (`ceremony`)", body = ErrorBody),
        (status = 422, description = "A dealing that fails its public checks (`bad_dealing`), or does not decode (`rejected`)", body = ErrorBody)))]
/// Threshold key ceremony: a member publishes its dealing, once every
/// trustee key is in. No enrollment code: the dealing is signed with the
/// member's trustee key.
pub(crate) async fn dealing(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: DealingBody = parse(&headers, &body)?;
    state.registry.get(&id)?.add_dealing(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/complaints", request_body = ComplaintRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "Upheld and in the log (or was already: the same complaint sent again)"),
        (status = 409, description = "Not in the key ceremony (`phase`), or its author has posted `shares_ok` (`ceremony`)", body = ErrorBody),
        (status = 422, description = "Not upheld: the share is correct (`complaint_not_upheld`), or another rule of the log (`rejected`)", body = ErrorBody)))]
/// Threshold key ceremony: a member shows that a share dealt to it is
/// wrong. The server adjudicates it from the dealing and the complaint
/// alone; a complaint that is not upheld is refused.
pub(crate) async fn complaint(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: ComplaintBody = parse(&headers, &body)?;
    state.registry.get(&id)?.add_complaint(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/shares_ok", request_body = SignedRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "In the log (or was already); after the last member's, the election key follows"),
        (status = 409, description = "Not in the key ceremony (`phase`), or before every member has dealt (`ceremony`)", body = ErrorBody),
        (status = 422, description = "A signature (context `shares_ok`) that does not verify (`rejected`)", body = ErrorBody)))]
/// Threshold key ceremony: a member has checked every share dealt to it
/// (or complained). After the last member's, the server appends the
/// election key, `Σ_{i∈Q} A_i0`.
pub(crate) async fn shares_ok(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: StatementBody = parse(&headers, &body)?;
    state.registry.get(&id)?.add_shares_ok(req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/close", request_body = SignedRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 204, description = "Closed"),
        (status = 409, description = "Not voting (`phase`)", body = ErrorBody),
        (status = 422, description = "Against a rule of the log (`rejected`)", body = ErrorBody)))]
/// Closes voting; unused credentials are void from then on.
pub(crate) async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: StatementBody = parse(&headers, &body)?;
    state
        .registry
        .get(&id)?
        .close(req.signer, req.signature)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/ballots", request_body = BallotRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "Durable in the log (or was already: the same receipt)", body = ReceiptSchema),
        (status = 403, description = "A credential the committee did not issue (`forged`)", body = ErrorBody),
        (status = 409, description = "Credential already used, not voting, or a ballot whose ciphertexts a pending audit opened (`repeated`, `phase`, `audited`)", body = ErrorBody),
        (status = 422, description = "A ballot that does not verify (`invalid_ballot`, `rejected`)", body = ErrorBody)))]
/// A voter casts a ballot; the receipt comes only once it is durable.
pub(crate) async fn cast(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Receipt>> {
    let election = state.registry.get(&id)?;
    check_json(&headers)?;
    // The core's ballot decoder ignores fields it does not know; the body
    // of a request refuses them, as every other body does. Only the names
    // are read here (no copy of the answers).
    serde_json::from_slice::<BallotFields>(&body).map_err(ApiError::malformed)?;
    let ballot: Ballot =
        parse_shaped::<BallotRequest, _>(&headers, &body, DomainError::InvalidBallot)?;
    Ok(Json(election.cast(ballot).await?))
}

/// An opened ballot as `POST /audits` takes it (PROTOCOL.md §4.4 `audit`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the shape of the body; the core decodes it
pub struct AuditBodyRequest {
    /// Every answer's three ciphertexts (high, confidence, low; 64 bytes
    /// each), candidates in order: 192 bytes per candidate, hex.
    #[schema(pattern = "^([0-9a-f]{384})+$")]
    pub ciphertexts: String,
    /// The randomness of each ciphertext, same order (32 bytes each,
    /// little-endian, canonical): 96 bytes per candidate, hex.
    #[schema(pattern = "^([0-9a-f]{192})+$")]
    pub randomness: String,
    /// The marks, one per candidate: `high`, `confidence`, `low` or `none`.
    #[schema(min_items = 1, max_items = 100)]
    pub choices: Vec<AuditChoiceName>,
}

/// A mark of an audit.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // the shape of the body
pub enum AuditChoiceName {
    /// Tín nhiệm cao.
    High,
    /// Tín nhiệm.
    Confidence,
    /// Tín nhiệm thấp.
    Low,
    /// A blank entry.
    None,
}

/// A voter's audit: the opening, the public credential and its signature
/// (context `audit`) on the seal digest. Neither the credential nor the
/// signature is kept or published.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditRequest {
    /// The opened ballot.
    #[allow(dead_code)] // decoded by the core from the raw body
    pub audit: AuditBodyRequest,
    /// Public credential (32 bytes), hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub credential: String,
    /// The credential's signature (context `audit`) on the seal digest (64
    /// bytes), hex.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

/// The raw body of [`AuditRequest`], whose `audit` the core decodes.
#[derive(Deserialize)]
struct AuditRaw<'a> {
    #[serde(borrow)]
    audit: &'a serde_json::value::RawValue,
}

#[utoipa::path(post, path = "/api/elections/{id}/audits", request_body = AuditRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "Pending and durable (or was already): the seal code and the server's promise to publish it at the close", body = AuditReceipt),
        (status = 403, description = "A slip the committee did not issue, cancelled, that has voted, or a signature that fails (`not_issued`, `cancelled`, `already_voted`, `bad_signature`)", body = ErrorBody),
        (status = 409, description = "Not voting (`phase`)", body = ErrorBody),
        (status = 422, description = "An opening that does not decode (`invalid`) or does not open (`bad_audit`)", body = ErrorBody),
        (status = 429, description = "The slip opened 5 ballots already (`too_many_audits`), or too many requests from this address (`rate_limited`)", body = ErrorBody)))]
/// A voter opens a sealed ballot to check the page's encryption
/// (PROTOCOL.md §5.6): never counted; the slip still votes. Published in
/// the log at the close, sorted by seal digest.
pub(crate) async fn audit_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<AuditReceipt>> {
    let election = state.registry.get(&id)?;
    let req: AuditRequest = parse(&headers, &body)?;
    let raw: AuditRaw = serde_json::from_slice(&body).map_err(ApiError::malformed)?;
    let audit = AuditBody::from_json(raw.audit.get()).map_err(|e| {
        ApiError::from(DomainError::Invalid {
            vi: "Phiếu kiểm tra mã hoá không đúng định dạng (độ dài hoặc mã hoá sai).".into(),
            en: format!("The opened ballot does not decode: {e}"),
        })
    })?;
    let credential: [u8; 32] = hex_field(&req.credential, "credential")?;
    let signature: [u8; 64] = hex_field(&req.signature, "signature")?;
    Ok(Json(
        election.add_audit(audit, credential, signature).await?,
    ))
}

#[utoipa::path(get, path = "/api/elections/{id}/audits/{seal}", params(("id" = String, Path, description = "The election id."), ("seal" = String, Path, description = "A seal code, `XXXX-XXXX-XXXX-XXXX` (dashes optional, any case).")),
    responses((status = 200, description = "The opening, its line once in the log (`seq`, null while pending) and the server's promise", body = AuditViewSchema),
        (status = 404, description = "No such election, or no audit with this seal code (`not_found`)", body = ErrorBody)))]
/// An audit by its seal code: what a second device checks (in its page).
pub(crate) async fn audit_get(
    State(state): State<AppState>,
    Path((id, seal)): Path<(String, String)>,
) -> ApiResult<Json<AuditView>> {
    state
        .registry
        .get(&id)?
        .audit(&seal)
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Không có phiếu kiểm tra mã hoá nào với mã niêm phong này.",
                "No audit has this seal code.",
            )
        })
}

/// The OpenAPI shape of [`AuditView`].
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // documentation only
pub(crate) struct AuditViewSchema {
    /// The seal code.
    pub seal: String,
    /// The opened ballot (PROTOCOL.md §4.4 `audit`).
    pub audit: AuditBodySchema,
    /// Its line once in the log; null while pending.
    pub seq: Option<u64>,
    /// The server's promise (context `audit-promise`, on the election hash
    /// then the seal digest), hex.
    pub promise: String,
}

/// The OpenAPI shape of an audit body.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // documentation only
pub(crate) struct AuditBodySchema {
    /// 192 bytes per candidate, hex.
    pub ciphertexts: String,
    /// 96 bytes per candidate, hex.
    pub randomness: String,
    /// `high`, `confidence`, `low` or `none`, one per candidate.
    pub choices: Vec<String>,
}

/// Reads `from` and `to` of the log route's query: decimal line numbers,
/// each at most once; anything else is a 400.
fn log_range(query: Option<&str>) -> ApiResult<LogRange> {
    let bad = |what: &str| {
        let vi = match what {
            "a parameter given twice" => "một tham số được ghi hai lần",
            "`from` is after `to`" => "`from` lớn hơn `to`",
            _ => "`from` và `to` phải là số dòng",
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!("Khoảng dòng không hợp lệ: {vi}."),
            format!("Invalid range of lines: {what}"),
        )
    };
    let mut from = None;
    let mut to = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "from" => &mut from,
            "to" => &mut to,
            // Other parameters (a cache buster) are not this route's.
            _ => continue,
        };
        if slot.is_some() {
            return Err(bad("a parameter given twice"));
        }
        if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("`from` and `to` are line numbers"));
        }
        *slot = Some(
            value
                .parse::<u64>()
                .map_err(|_| bad("`from` and `to` are line numbers"))?,
        );
    }
    let from = from.unwrap_or(0);
    if to.is_some_and(|t| from > t) {
        return Err(bad("`from` is after `to`"));
    }
    Ok(LogRange { from, to })
}

#[utoipa::path(get, path = "/api/elections/{id}/log", params(("id" = String, Path, description = "The election id."),
        ("from" = Option<u64>, Query, description = "The first line (default 0)."),
        ("to" = Option<u64>, Query, description = "One past the last line (default: the end; clamped to it)."),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of this route: 304 when the log is still that one.")),
    responses((status = 200, description = "JSON Lines, exactly the hashed bytes: lines `from` to `to` − 1. `ETag`: the log's line count and head.", content_type = "application/jsonl"),
        (status = 304, description = "The log is the one the `If-None-Match` tag names"),
        (status = 400, description = "`from` or `to` not a line number, or `from` after `to` (`malformed`)", body = ErrorBody),
        (status = 404, description = "No such election (`not_found`)", body = ErrorBody)))]
/// The log as JSON Lines: line n is the entry with `"seq": n`. A range
/// (`?from=A&to=B`) costs what its lines weigh, not the whole log; an
/// `If-None-Match` naming the current log costs nothing but its tag.
pub(crate) async fn log(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let election = state.registry.get(&id)?;
    let range = log_range(query.as_deref())?;
    let tags = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    Ok(match election.log_range(range, tags) {
        LogAnswer::NotModified { etag } => {
            (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response()
        }
        LogAnswer::Lines { etag, bytes } => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/jsonl; charset=utf-8".to_owned(),
                ),
                (header::ETAG, etag),
            ],
            bytes,
        )
            .into_response(),
    })
}

#[utoipa::path(get, path = "/api/elections/{id}/head", params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "The signed head", body = SignedHead),
        (status = 409, description = "A draft has no log yet (`phase`)", body = ErrorBody)))]
/// The signed head of the log.
pub(crate) async fn head(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SignedHead>> {
    state
        .registry
        .get(&id)?
        .head()
        .map(Json)
        .ok_or_else(|| DomainError::Phase("draft").into())
}

#[utoipa::path(get, path = "/api/elections/{id}/tracking/{code}", params(("id" = String, Path, description = "The election id."), ("code" = String, Path, description = "A receipt's tracking code.")),
    responses((status = 200, description = "The ballot's receipt", body = ReceiptSchema),
        (status = 404, description = "No such election, or no ballot with this code (`not_found`)", body = ErrorBody)))]
/// Looks a tracking code up in the log.
pub(crate) async fn tracking(
    State(state): State<AppState>,
    Path((id, code)): Path<(String, String)>,
) -> ApiResult<Json<Receipt>> {
    state
        .registry
        .get(&id)?
        .lookup(&code)
        .map(Json)
        .ok_or_else(|| DomainError::NoSuchBallot.into())
}

#[utoipa::path(get, path = "/api/elections/{id}/credentials/{public}", params(("id" = String, Path, description = "The election id."), ("public" = String, Path, description = "A public credential, 64 lowercase hex digits.", pattern = "^[0-9a-f]{64}$")),
    responses((status = 200, description = "Whether it was issued and whether it has voted (with the ballot's receipt)", body = CredentialStatus),
        (status = 404, description = "No such election (`not_found`)", body = ErrorBody),
        (status = 422, description = "Not 64 hex digits (`invalid`)", body = ErrorBody)))]
/// Whether a public credential was issued and has voted: a voter's phone asks
/// before showing the ballot (R5). Public information (the log holds it).
pub(crate) async fn credential_status(
    State(state): State<AppState>,
    Path((id, public)): Path<(String, String)>,
) -> ApiResult<Json<CredentialStatus>> {
    let election = state.registry.get(&id)?;
    let public: [u8; 32] = hex_field(&public, "public")?;
    Ok(Json(election.credential_status(&public)))
}

#[utoipa::path(get, path = "/api/elections/{id}/totals", params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "The encrypted totals", body = Totals),
        (status = 409, description = "Voting is not closed (`phase`)", body = ErrorBody)))]
/// The encrypted totals for the committee to decrypt (after the close).
pub(crate) async fn totals(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Totals>> {
    Ok(Json(state.registry.get(&id)?.totals()?))
}

fn reader<'a>(
    state: &AppState,
    election: &crate::election::Election,
    headers: &'a HeaderMap,
) -> ApiResult<Reader<'a>> {
    let Some(token) = bearer(headers) else {
        return Err(DomainError::Unauthorized.into());
    };
    if state.registry.sessions.check(token) || election.is_committee_code(token) {
        Ok(Reader::Committee)
    } else if election.is_candidate_code(token) {
        Ok(Reader::Candidate(token))
    } else {
        Err(DomainError::Unauthorized.into())
    }
}

#[utoipa::path(get, path = "/api/elections/{id}/result", params(("id" = String, Path, description = "The election id.")), security(("organizer" = []), ("code" = [])),
    responses((status = 200, description = "The result (a candidate: only his or her own line)", body = Object),
        (status = 403, description = "Neither the organizer, a committee member nor a candidate (`forbidden`)", body = ErrorBody),
        (status = 409, description = "No result yet (`phase`)", body = ErrorBody)))]
/// The result for the organizer, the committee, or a candidate (own line), R11.
pub(crate) async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<ElectionResult>> {
    let election = state.registry.get(&id)?;
    let who = reader(&state, &election, &headers)?;
    Ok(Json(election.result(who)?))
}

#[utoipa::path(post, path = "/api/elections/{id}/result/voter", request_body = VoterResultRequest, params(("id" = String, Path, description = "The election id.")),
    responses((status = 200, description = "The result", body = Object),
        (status = 403, description = "Not the credential of a counted ballot, or a wrong signature (`forbidden`)", body = ErrorBody),
        (status = 409, description = "No result yet (`phase`)", body = ErrorBody),
        (status = 422, description = "Not hex of the right length (`invalid`)", body = ErrorBody)))]
/// The result for a voter who cast a counted ballot (R11).
pub(crate) async fn voter_result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ElectionResult>> {
    let req: VoterResultRequest = parse(&headers, &body)?;
    let c = hex_field::<32>(&req.credential, "credential")?;
    let s = hex_field::<64>(&req.signature, "signature")?;
    Ok(Json(state.registry.get(&id)?.result_for_voter(&c, &s)?))
}

#[utoipa::path(get, path = "/api/elections/{id}/minutes", params(("id" = String, Path, description = "The election id.")), security(("organizer" = []), ("code" = [])),
    responses((status = 200, description = "The minutes, a printable page", content_type = "text/html"),
        (status = 403, description = "Neither the organizer nor a committee member (`forbidden`)", body = ErrorBody),
        (status = 409, description = "No result yet (`phase`)", body = ErrorBody)))]
/// The printable minutes (R10), for the organizer and the committee.
pub(crate) async fn minutes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let election = state.registry.get(&id)?;
    if !matches!(reader(&state, &election, &headers)?, Reader::Committee) {
        return Err(DomainError::Unauthorized.into());
    }
    // 409 until the result is in the log; then the minutes from the log
    // alone, verified again from line 0.
    election.result(Reader::Committee)?;
    election.body().ok_or(DomainError::Phase("draft"))?;
    let html = crate::minutes::served(&election).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "log",
            format!("Không lập được biên bản: {}.", e.vi()),
            format!("The minutes cannot be made: {e}."),
        )
    })?;
    // Its own policy: the page's inline style sheet, allowed by its hash
    // (the security-headers layer keeps a policy a handler set).
    Ok((
        [(
            header::CONTENT_SECURITY_POLICY,
            crate::minutes::minutes_csp(),
        )],
        Html(html),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_as_the_integers_they_are() {
        for (token, integer) in [
            ("2.0", Some("2")),
            ("-0.0", Some("0")),
            ("0e5", Some("0")),
            ("1e2", Some("100")),
            ("1.5e1", Some("15")),
            ("100e-2", Some("1")),
            ("-70583.000", Some("-70583")),
            ("2251799813685247.0", Some("2251799813685247")),
            ("9007199254740993.0", Some("9007199254740993")),
            ("18446744073709551615.0", Some("18446744073709551615")),
            ("1e20", None),
            ("1e-9999999999999", None),
            ("1e9999999999999", None),
            ("2.5", None),
            ("1e-1", None),
            ("12", None),
        ] {
            assert_eq!(
                whole_integer(token.as_bytes()).as_deref(),
                integer,
                "{token}"
            );
        }
    }

    #[test]
    fn only_numbers_outside_strings_are_rewritten() {
        let body = br#"{"a \"2.0\"": "3.0", "n": [2.0, 4, 1.5], "m": -1e1}"#;
        let out = whole_numbers_as_integers(body).expect("changed");
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"a \"2.0\"": "3.0", "n": [2, 4, 1.5], "m": -10}"#
        );
        assert_eq!(whole_numbers_as_integers(br#"{"n": [1, "2.0"]}"#), None);
    }

    #[test]
    fn a_body_with_whole_floats_decodes_and_a_fraction_does_not() {
        let ok = |body: &[u8]| decode::<QuorumRequest>(body).map_err(|(e, _)| e.to_string());
        let q = ok(br#"{"present": 21.0, "signer": 0e0, "signature": ""}"#).expect("whole floats");
        assert_eq!((q.present, q.signer), (21, 0));
        assert!(ok(br#"{"present": 21.5, "signer": 0, "signature": ""}"#).is_err());
        assert!(ok(br#"{"present": 4294967296.0, "signer": 0, "signature": ""}"#).is_err());
        let big: Vec<u64> = decode(b"[9007199254740993.0]").map_err(|(e, _)| e).unwrap();
        assert_eq!(big, [9_007_199_254_740_993]);
    }
}
