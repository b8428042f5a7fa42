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
use super::error::ApiError;
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

#[derive(Deserialize)]
struct NameQuery {
    name: Option<String>,
}

/// `PUT /api/elections/{id}/dossier?name=FILE.pdf`, the body the PDF:
/// attached to the draft (or replacing the document of that name); 200
/// with `{"name","sha256","bytes"}`.
async fn attach(
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

/// `DELETE /api/elections/{id}/dossier/{n}`: document `n` (from 0) leaves
/// the draft's dossier; 204.
async fn remove(
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

/// `GET /api/elections/{id}/dossier/{n}`: document `n` (from 0), to anyone
/// with the election id; once sealed, exactly the bytes line 0 commits.
async fn document(
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
