//! The routes and their handlers. Each handler parses its input, calls one
//! function of [`crate::election`], and maps the outcome. The request types
//! here exist for the OpenAPI description; bodies are decoded straight into
//! the core's types, whose JSON has the same shape.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use tinnhiem_core::ballot::Ballot;
use tinnhiem_core::log::{
    CredentialsBody, DecryptionBody, QuorumBody, ResultBody, StatementBody, TrusteeKeyBody,
};
use tinnhiem_tally::sim::Receipt;
use tinnhiem_tally::ElectionResult;

use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::election::{
    hex_field, Created, DomainError, ElectionInput, ElectionView, Reader, SignedHead, Totals,
};

type ApiResult<T> = Result<T, ApiError>;

/// Decodes a JSON body into `T`, refusing other content types.
pub fn parse<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> ApiResult<T> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "Nội dung phải là JSON (Content-Type: application/json).",
            "The body must be JSON (Content-Type: application/json).",
        ));
    }
    serde_json::from_slice(body).map_err(ApiError::malformed)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn organizer(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
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

#[utoipa::path(post, path = "/api/login", request_body = LoginRequest,
    responses((status = 200, body = LoginAnswer), (status = 403, body = ErrorBody)))]
/// Organizer login.
pub async fn login(
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

#[utoipa::path(post, path = "/api/elections", request_body = ElectionInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The organizer creates a meeting (R9 exclusions are refused).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Created>)> {
    organizer(&state, &headers)?;
    let input: ElectionInput = parse(&headers, &body)?;
    Ok((StatusCode::CREATED, Json(state.registry.create(input)?)))
}

#[utoipa::path(put, path = "/api/elections/{id}", request_body = ElectionInput, params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// The organizer edits the draft, until it is sealed.
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    organizer(&state, &headers)?;
    let input: ElectionInput = parse(&headers, &body)?;
    state.registry.get(&id)?.edit(state.store.as_ref(), input)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/elections/{id}/seal", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// The organizer seals the draft; the log starts and the key ceremony opens.
pub async fn seal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    organizer(&state, &headers)?;
    state.registry.get(&id)?.seal(state.store.as_ref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/elections/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ElectionView), (status = 404, body = ErrorBody)))]
/// The meeting's public state.
pub async fn view(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ElectionView>> {
    Ok(Json(state.registry.get(&id)?.view()))
}

/// A committee member's key share, with the enrollment code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrusteeKeyRequest {
    /// Member index.
    pub trustee: u32,
    /// `Yᵢ`, hex.
    pub key: String,
    /// Proof of knowledge, hex.
    pub proof: String,
    /// The enrollment code handed out at creation.
    pub code: String,
}

#[utoipa::path(post, path = "/api/elections/{id}/trustees", request_body = TrusteeKeyRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Key ceremony: a member publishes a key share (never the secret).
pub async fn trustee_key(
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
pub struct QuorumRequest {
    /// People present.
    pub present: u32,
    /// Signing member.
    pub signer: u32,
    /// Signature (context `quorum`), hex.
    pub signature: String,
}

/// A statement with no content, signed by a committee member.
#[derive(Deserialize, ToSchema)]
pub struct SignedRequest {
    /// Signing member.
    pub signer: u32,
    /// Signature, hex.
    pub signature: String,
}

/// Public credentials of a printed sheet.
#[derive(Deserialize, ToSchema)]
pub struct CredentialsRequest {
    /// Public credentials, hex.
    pub credentials: Vec<String>,
    /// Signing member.
    pub signer: u32,
    /// Signature (context `credentials`), hex.
    pub signature: String,
}

/// A member's partial decryptions.
#[derive(Deserialize, ToSchema)]
pub struct DecryptionRequest {
    /// Member index.
    pub trustee: u32,
    /// Per total, `D ‖ T1 ‖ T2 ‖ s` hex.
    pub shares: Vec<String>,
}

/// The decrypted counts, signed by a member.
#[derive(Deserialize, ToSchema)]
pub struct ResultRequest {
    /// `[high, confidence, low]` per candidate.
    pub counts: Vec<[u64; 3]>,
    /// Signing member.
    pub signer: u32,
    /// Signature (context `result`), hex.
    pub signature: String,
}

/// An encrypted ballot.
#[derive(Deserialize, ToSchema)]
pub struct BallotRequest {
    /// Public credential, hex.
    pub credential: String,
    /// One answer per candidate (1088 bytes each), hex.
    pub answers: Vec<String>,
    /// The declared name (R4) or null.
    pub signed_by: Option<String>,
    /// Credential signature, hex.
    pub signature: String,
}

/// A voter's request for the result (R11).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoterResultRequest {
    /// The public credential of a counted ballot, hex.
    pub credential: String,
    /// Signature by the credential (context `result-access`) on the election hash, hex.
    pub signature: String,
}

/// The receipt of a ballot (DESIGN.md).
#[derive(Serialize, ToSchema)]
pub struct ReceiptSchema {
    /// Tracking code.
    pub tracking: String,
    /// Line.
    pub seq: u64,
    /// Entry hash, hex.
    pub entry_hash: String,
    /// Head after the append, hex.
    pub head: String,
    /// Server signature on the head, hex.
    pub head_signature: String,
}

macro_rules! statement_handler {
    ($name:ident, $path:literal, $req:ty, $body:ty, $method:ident, $doc:literal) => {
        #[utoipa::path(post, path = $path, request_body = $req, params(("id" = String, Path)),
            responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        #[doc = $doc]
        pub async fn $name(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
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
statement_handler!(
    open,
    "/api/elections/{id}/open",
    SignedRequest,
    StatementBody,
    open,
    "Opens voting (refused without the quorum of R2)."
);
statement_handler!(
    decryption,
    "/api/elections/{id}/decryptions",
    DecryptionRequest,
    DecryptionBody,
    add_decryption,
    "A member's partial decryption of the totals."
);
statement_handler!(
    result_publish,
    "/api/elections/{id}/result",
    ResultRequest,
    ResultBody,
    publish_result,
    "Publishes the result (refused unless it equals the decryption)."
);

#[utoipa::path(post, path = "/api/elections/{id}/close", request_body = SignedRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Closes voting; unused credentials are void from then on.
pub async fn close(
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

#[utoipa::path(post, path = "/api/elections/{id}/ballots", request_body = BallotRequest, params(("id" = String, Path)),
    responses((status = 200, body = ReceiptSchema), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
/// A voter casts a ballot; the receipt comes only once it is durable.
pub async fn cast(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Receipt>> {
    let election = state.registry.get(&id)?;
    let ballot: Ballot = parse(&headers, &body)?;
    Ok(Json(election.cast(ballot).await?))
}

#[utoipa::path(get, path = "/api/elections/{id}/log", params(("id" = String, Path)),
    responses((status = 200, description = "JSON Lines, exactly the hashed bytes", content_type = "application/jsonl"),
        (status = 404, body = ErrorBody)))]
/// The log as JSON Lines: line n is the entry with `"seq": n`.
pub async fn log(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let bytes = state.registry.get(&id)?.log();
    Ok((
        [(header::CONTENT_TYPE, "application/jsonl; charset=utf-8")],
        bytes,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/elections/{id}/head", params(("id" = String, Path)),
    responses((status = 200, body = SignedHead), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// The signed head of the log.
pub async fn head(
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

#[utoipa::path(get, path = "/api/elections/{id}/tracking/{code}", params(("id" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = ReceiptSchema), (status = 404, body = ErrorBody)))]
/// Looks a tracking code up in the log.
pub async fn tracking(
    State(state): State<AppState>,
    Path((id, code)): Path<(String, String)>,
) -> ApiResult<Json<Receipt>> {
    state
        .registry
        .get(&id)?
        .lookup(&code)
        .map(Json)
        .ok_or_else(|| DomainError::NotFound.into())
}

#[utoipa::path(get, path = "/api/elections/{id}/totals", params(("id" = String, Path)),
    responses((status = 200, body = Totals), (status = 409, body = ErrorBody)))]
/// The encrypted totals for the committee to decrypt (after the close).
pub async fn totals(
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

#[utoipa::path(get, path = "/api/elections/{id}/result", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// The result for the organizer, the committee, or a candidate (own line), R11.
pub async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<ElectionResult>> {
    let election = state.registry.get(&id)?;
    let who = reader(&state, &election, &headers)?;
    Ok(Json(election.result(who)?))
}

#[utoipa::path(post, path = "/api/elections/{id}/result/voter", request_body = VoterResultRequest, params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody)))]
/// The result for a voter who cast a counted ballot (R11).
pub async fn voter_result(
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

#[utoipa::path(get, path = "/api/elections/{id}/minutes", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/html"), (status = 403, body = ErrorBody)))]
/// The printable minutes (R10), for the organizer and the committee.
pub async fn minutes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Html<String>> {
    let election = state.registry.get(&id)?;
    if !matches!(reader(&state, &election, &headers)?, Reader::Committee) {
        return Err(DomainError::Unauthorized.into());
    }
    let r = election.result(Reader::Committee)?;
    let body = election.body().ok_or(DomainError::Phase("draft"))?;
    Ok(Html(crate::report::minutes_html(&body, &r)))
}

/// The OpenAPI description of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tinnhiem",
        description = "Confidence votes (lấy phiếu tín nhiệm): the meeting's API"
    ),
    paths(
        login,
        create,
        edit,
        seal,
        view,
        trustee_key,
        quorum,
        credentials,
        open,
        close,
        cast,
        log,
        head,
        tracking,
        totals,
        decryption,
        result_publish,
        result,
        voter_result,
        minutes
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
