//! The leader's dossier (R12): PDF documents the organizer attaches to a
//! draft, committed by SHA-256 in line 0 at the seal, and served to anyone
//! with the election id (docs/INTERFACES.md, "The dossier").

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use tinnhiem_core::log::DossierDocument;

use super::api::organizer;
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::election::DOSSIER_BYTES_MAX;

type ApiResult<T> = Result<T, ApiError>;

/// The dossier's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/elections/{id}/dossier",
            // The document is read by the handler, up to its own limit.
            put(attach).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/api/elections/{id}/dossier/{n}",
            get(document).delete(remove),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct NameQuery {
    /// The document's name: 1 to 200 bytes of text, no control character
    /// (a document of that name is replaced in place).
    name: Option<String>,
}

/// A document of the dossier as attached: what line 0 will commit.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the description's shape of `DossierDocument`
pub(crate) struct DossierDocumentBody {
    /// The file's name.
    name: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    sha256: String,
    /// The file's length in bytes.
    bytes: u64,
}

/// A PDF file, as bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // only described
pub(crate) struct PdfFile(Vec<u8>);

#[utoipa::path(put, tag = "dossier", path = "/api/elections/{id}/dossier",
    params(("id" = String, Path, description = "The election id."), NameQuery),
    request_body(content = PdfFile, content_type = "application/pdf",
        description = "The PDF file's bytes (beginning with `%PDF-`), at most 20 MiB."),
    security(("organizer" = [])),
    responses((status = 200, description = "Attached (the bytes and the draft naming them are durable)", body = DossierDocumentBody),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Already sealed (`phase`)", body = ErrorBody),
        (status = 413, description = "Over 20 MiB (`too_large`)", body = ErrorBody),
        (status = 422, description = "Not a PDF, a bad name, or a 21st document (`invalid`)", body = ErrorBody)))]
/// `PUT /api/elections/{id}/dossier?name=FILE.pdf`, the body the PDF:
/// attached to the draft (or replacing the document of that name); 200
/// with `{"name","sha256","bytes"}`.
pub(crate) async fn attach(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<NameQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<DossierDocument>> {
    organizer(&state, &headers)?;
    let election = state.registry.get(&id)?;
    let bytes = axum::body::to_bytes(body, DOSSIER_BYTES_MAX)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "Tệp hồ sơ quá lớn (tối đa {} MiB).",
                    DOSSIER_BYTES_MAX >> 20
                ),
                format!(
                    "The dossier file is too large (at most {} MiB).",
                    DOSSIER_BYTES_MAX >> 20
                ),
            )
        })?;
    let doc = election.put_dossier(
        state.store.as_ref(),
        q.name.as_deref().unwrap_or(""),
        &bytes,
    )?;
    Ok(Json(doc))
}

#[utoipa::path(delete, tag = "dossier", path = "/api/elections/{id}/dossier/{n}",
    params(("id" = String, Path, description = "The election id."),
        ("n" = u32, Path, description = "The document's number, from 0.")),
    security(("organizer" = [])),
    responses((status = 204, description = "Removed; the later documents move up"),
        (status = 403, description = "Not the organizer (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Already sealed (`phase`)", body = ErrorBody)))]
/// `DELETE /api/elections/{id}/dossier/{n}`: document `n` (from 0) leaves
/// the draft's dossier; 204.
pub(crate) async fn remove(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    organizer(&state, &headers)?;
    state
        .registry
        .get(&id)?
        .delete_dossier(state.store.as_ref(), n)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = "dossier", path = "/api/elections/{id}/dossier/{n}",
    params(("id" = String, Path, description = "The election id."),
        ("n" = u32, Path, description = "The document's number, from 0.")),
    responses((status = 200, description = "The document; once sealed, exactly the bytes whose SHA-256 line 0 commits",
            content_type = "application/pdf", body = PdfFile),
        (status = 404, description = "No such election or document (`not_found`)", body = ErrorBody)))]
/// `GET /api/elections/{id}/dossier/{n}`: document `n` (from 0), to anyone
/// with the election id; once sealed, exactly the bytes line 0 commits.
pub(crate) async fn document(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
) -> ApiResult<Response> {
    let (doc, bytes) = state
        .registry
        .get(&id)?
        .dossier_document(state.store.as_ref(), n)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition(&doc.name)),
        ],
        bytes,
    )
        .into_response())
}

/// `inline` with the name twice: an ASCII stand-in (`filename`, every
/// other byte `_`) and the name itself percent-encoded (`filename*`,
/// RFC 6266 / RFC 8187), so that no byte of the name reaches the header
/// unescaped.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn the_disposition_escapes_every_byte_outside_a_safe_set() {
        assert_eq!(
            disposition("Báo cáo \"A\".pdf"),
            "inline; filename=\"B_o c_o _A_.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22A%22.pdf"
        );
    }
}
