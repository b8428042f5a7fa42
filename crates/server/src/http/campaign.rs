//! The superior body's routes (R8, R11, R12): the officers' login and the
//! campaigns of [`crate::campaign`]. Every route but the login needs an
//! officer's session (`Authorization: Bearer <token>` from `POST
//! /api/officer/login`); neither the organizer's session nor any code of an
//! election opens them, and nothing here is public.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::api::{parse, LoginAnswer, LoginRequest};
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::campaign::{
    print, CampaignError, CampaignInput, CampaignSummary, CampaignView, MeetingStatus, LOG_LIMIT,
};

type ApiResult<T> = Result<T, ApiError>;

/// The campaign routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/officer/login", post(login))
        .route("/api/campaigns", get(list).post(create))
        .route("/api/campaigns/{id}", get(view))
        .route("/api/campaigns/{id}/elections", post(attach))
        .route(
            "/api/campaigns/{id}/logs",
            // The log is read by the handler, up to its own limit.
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/campaigns/{id}/logs/{n}", get(uploaded_log))
        .route("/api/campaigns/{id}/report", get(report))
        .route("/api/campaigns/{id}/report.csv", get(report_csv))
        .route("/api/campaigns/{id}/report.html", get(report_html))
}

impl From<CampaignError> for ApiError {
    fn from(e: CampaignError) -> Self {
        use CampaignError as C;
        let en = e.to_string();
        match e {
            C::Domain(d) => d.into(),
            C::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Không tìm thấy đợt lấy phiếu này.",
                en,
            ),
            C::Unauthorized => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Chỉ cán bộ của cơ quan cấp trên (đăng nhập riêng) mới được xem và tổng hợp kết quả (R11).",
                en,
            ),
            C::NoOfficer => ApiError::new(
                StatusCode::FORBIDDEN,
                "no_officer",
                "Máy chủ này chưa có tài khoản cán bộ cấp trên: khởi động với --officer-password-file.",
                en,
            ),
            C::Invalid(d) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("Dữ liệu không hợp lệ: {d}"),
                format!("Invalid request: {d}"),
            ),
            C::ThirdPlace {
                ref person,
                ref first,
                ref second,
            } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "r8_places",
                format!(
                    "Cán bộ mã {person} đã được lấy phiếu ở 2 nơi trong đợt này: {first}; và {second}. \
                     Mỗi cán bộ chỉ được lấy phiếu tối đa ở 2 nơi (R8)."
                ),
                en,
            ),
            C::OtherCampaign {
                ref election,
                ref campaign,
            } => ApiError::new(
                StatusCode::CONFLICT,
                "campaign",
                format!("Hội nghị {election} đã thuộc đợt lấy phiếu {campaign}."),
                en,
            ),
            C::Duplicate {
                ref election,
                ref existing,
            } => ApiError::new(
                StatusCode::CONFLICT,
                "duplicate",
                format!("Hội nghị {election} đã có trong đợt này ({existing})."),
                en,
            ),
            C::BadLog {
                seq,
                ref reason_vi,
                ..
            } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_log",
                format!(
                    "Nhật ký không hợp lệ ở dòng {seq}: {reason_vi}. Không tiếp nhận; đề nghị đơn vị gửi lại đúng tệp nhật ký."
                ),
                en,
            ),
            C::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("Tệp nhật ký quá lớn (tối đa {} MiB).", LOG_LIMIT >> 20),
                en,
            ),
        }
    }
}

fn officer(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        Some(t) if state.campaigns.is_officer(t) => Ok(()),
        _ => Err(CampaignError::Unauthorized.into()),
    }
}

#[utoipa::path(post, tag = "campaigns", path = "/api/officer/login", request_body = LoginRequest,
    responses((status = 200, description = "A new officer's session (12 hours, in the server's memory)", body = LoginAnswer),
        (status = 403, description = "Wrong password (`forbidden`), or a server with no officer account (`no_officer`)", body = ErrorBody)))]
/// `POST /api/officer/login`: an officer's session.
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<LoginAnswer>> {
    let req: LoginRequest = parse(&headers, &body)?;
    Ok(Json(LoginAnswer {
        token: state.campaigns.login(req.password).await?,
    }))
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns", security(("officer" = [])),
    responses((status = 200, description = "Every campaign, newest first", body = Vec<CampaignSummary>),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns`: every campaign, newest first.
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<CampaignSummary>>> {
    officer(&state, &headers)?;
    Ok(Json(state.campaigns.list()))
}

#[utoipa::path(post, tag = "campaigns", path = "/api/campaigns", request_body = CampaignInput, security(("officer" = [])),
    responses((status = 201, description = "Created", body = CampaignSummary),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A bad name, deadline or list of units (`invalid`)", body = ErrorBody)))]
/// `POST /api/campaigns`: a new campaign.
pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<CampaignSummary>)> {
    officer(&state, &headers)?;
    let input: CampaignInput = parse(&headers, &body)?;
    Ok((StatusCode::CREATED, Json(state.campaigns.create(input)?)))
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns/{id}", params(("id" = String, Path, description = "The campaign id.")), security(("officer" = [])),
    responses((status = 200, description = "The campaign and how each unit's report stands", body = CampaignView),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns/{id}`: the units, their meetings and how each
/// report stands.
pub(crate) async fn view(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<CampaignView>> {
    officer(&state, &headers)?;
    Ok(Json(state.campaigns.view(&state.registry, &id).await?))
}

/// An election of this server joining the campaign.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttachRequest {
    /// The election id.
    election: String,
}

#[utoipa::path(post, tag = "campaigns", path = "/api/campaigns/{id}/elections", request_body = AttachRequest, params(("id" = String, Path, description = "The campaign id.")), security(("officer" = [])),
    responses((status = 204, description = "Attached"),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody),
        (status = 409, description = "In another campaign (`campaign`), or its log was uploaded already (`duplicate`)", body = ErrorBody),
        (status = 422, description = "A draft rating a leader in a third place of the campaign (`r8_places`)", body = ErrorBody)))]
/// `POST /api/campaigns/{id}/elections` `{"election": id}`: attaches an
/// election of this server.
pub(crate) async fn attach(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    officer(&state, &headers)?;
    let req: AttachRequest = parse(&headers, &body)?;
    state
        .campaigns
        .attach(&state.registry, &id, &req.election)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// The file's name as the office knows it (default `log.jsonl`).
    name: Option<String>,
}

/// A log file (JSON Lines), as bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // only described
pub(crate) struct LogFile(Vec<u8>);

#[utoipa::path(post, tag = "campaigns", path = "/api/campaigns/{id}/logs", params(("id" = String, Path, description = "The campaign id."), UploadQuery),
    request_body(content = LogFile, content_type = "application/jsonl",
        description = "A unit's log file as downloaded from its server (JSON Lines, up to 64 MiB, any content type)"),
    security(("officer" = [])),
    responses((status = 201, description = "Verified and kept (the same file again is a success)", body = MeetingStatus),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Another log of an election already in the campaign (`duplicate`)", body = ErrorBody),
        (status = 413, description = "Over 64 MiB (`too_large`)", body = ErrorBody),
        (status = 422, description = "The log fails verification, naming its first bad line (`bad_log`), or a third place (`r8_places`)", body = ErrorBody)))]
/// `POST /api/campaigns/{id}/logs?name=FILE`, the body the log file as it
/// is (JSON Lines): verified, then kept. 201 with the meeting's status.
pub(crate) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<MeetingStatus>)> {
    officer(&state, &headers)?;
    let bytes = axum::body::to_bytes(body, LOG_LIMIT)
        .await
        .map_err(|_| ApiError::from(CampaignError::TooLarge))?;
    let status = state
        .campaigns
        .upload(
            &state.registry,
            &id,
            q.name.as_deref().unwrap_or("log.jsonl"),
            bytes.to_vec(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(status)))
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns/{id}/logs/{n}",
    params(("id" = String, Path, description = "The campaign id."), ("n" = u32, Path, description = "The upload's number.")), security(("officer" = [])),
    responses((status = 200, description = "The uploaded file, byte for byte", content_type = "application/jsonl", body = LogFile),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns/{id}/logs/{n}`: an uploaded log, as uploaded.
pub(crate) async fn uploaded_log(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, u32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    officer(&state, &headers)?;
    let bytes = state.campaigns.uploaded_log(&id, n)?;
    Ok((
        [(header::CONTENT_TYPE, "application/jsonl; charset=utf-8")],
        bytes,
    )
        .into_response())
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns/{id}/report", params(("id" = String, Path, description = "The campaign id.")), security(("officer" = [])),
    responses((status = 200, description = "The consolidated campaign: the document of `tinnhiem campaign report --json` (docs/INTERFACES.md, \"Campaign report\")", body = Object),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns/{id}/report`: the consolidated campaign, the
/// document of `tinnhiem campaign report --json`.
pub(crate) async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    officer(&state, &headers)?;
    let (c, _) = state.campaigns.report(&state.registry, &id).await?;
    Ok(Json(c).into_response())
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns/{id}/report.csv", params(("id" = String, Path, description = "The campaign id.")), security(("officer" = [])),
    responses((status = 200, description = "The table for a spreadsheet (UTF-8 with a byte-order mark)", content_type = "text/csv", body = String),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns/{id}/report.csv`: the table for a spreadsheet
/// (UTF-8 with a byte-order mark, the columns of `campaign report --csv`).
pub(crate) async fn report_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    officer(&state, &headers)?;
    let (c, _) = state.campaigns.report(&state.registry, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tong-hop-{id}.csv\""),
            ),
        ],
        print::csv(&c),
    )
        .into_response())
}

#[utoipa::path(get, tag = "campaigns", path = "/api/campaigns/{id}/report.html", params(("id" = String, Path, description = "The campaign id.")), security(("officer" = [])),
    responses((status = 200, description = "The printable report (A4)", content_type = "text/html", body = String),
        (status = 403, description = "No officer's session (`forbidden`)", body = ErrorBody)))]
/// `GET /api/campaigns/{id}/report.html`: the printable report (A4), the
/// page `campaign report --html` writes.
pub(crate) async fn report_html(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    officer(&state, &headers)?;
    let (c, deadline) = state.campaigns.report(&state.registry, &id).await?;
    let office = state.campaigns.office(&id)?;
    // Each meeting judged by the day its result reached this server.
    let received: std::collections::BTreeMap<String, print::Received> = state
        .campaigns
        .view(&state.registry, &id)
        .await?
        .units
        .into_iter()
        .flat_map(|u| u.meetings)
        .map(|m| {
            let r = print::Received {
                day: m.received,
                late: m.timeliness == "late",
                note: m.timeliness_note,
            };
            (m.election, r)
        })
        .collect();
    Ok((
        [(header::CONTENT_SECURITY_POLICY, print::report_csp())],
        Html(print::html(&c, &office, deadline, Some(&received))),
    )
        .into_response())
}
