//! The OpenAPI description of the API (`GET /api/openapi.json`): every
//! route of the meeting (`api`), the dossier (`dossier`) and the campaigns
//! (`campaign`), with what the router's layers answer on each. A module of
//! its own, so that the route modules never import one another through it.

use axum::http::Method;
use axum::response::IntoResponse;
use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// The OpenAPI description of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tinnhiem",
        description = "Confidence votes (lấy phiếu tín nhiệm): the meeting's API"
    ),
    paths(
        super::api::login,
        super::api::list,
        super::api::create,
        super::api::edit,
        super::api::delete,
        super::api::seal,
        super::api::view,
        super::api::trustee_key,
        super::api::dealing,
        super::api::complaint,
        super::api::shares_ok,
        super::api::quorum,
        super::api::credentials,
        super::api::cancel,
        super::api::open,
        super::api::close,
        super::api::cast,
        super::api::log,
        super::api::head,
        super::api::tracking,
        super::api::audit_post,
        super::api::audit_get,
        super::api::credential_status,
        super::api::totals,
        super::api::decryption,
        super::api::result_publish,
        super::api::result,
        super::api::voter_result,
        super::api::minutes,
        super::dossier::attach,
        super::dossier::remove,
        super::dossier::document,
        super::campaign::login,
        super::campaign::list,
        super::campaign::create,
        super::campaign::view,
        super::campaign::attach,
        super::campaign::upload,
        super::campaign::uploaded_log,
        super::campaign::report,
        super::campaign::report_csv,
        super::campaign::report_html
    ),
    modifiers(&Refusals)
)]
pub(crate) struct ApiDoc;

/// Adds to the description what the layers of [`super::router`] answer on
/// every route, so that each operation lists every status it can return:
/// `400`, `413` and `415` for a body (not JSON or of another shape, over
/// [`super::BODY_LIMIT`], not `application/json`), `404` for an unknown
/// election, `429` on the rate-limited routes, `503` (storage failure, or
/// over [`super::REQUEST_TIMEOUT`]) everywhere. Also declares the two kinds
/// of bearer token.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "organizer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The organizer's session token, from `POST /api/login`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "officer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A superior body's officer's session token, from `POST /api/officer/login`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "code",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A committee member's enrollment code or a candidate's result access code.",
                    ))
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let operations = [
                (Method::GET, &mut item.get),
                (Method::PUT, &mut item.put),
                (Method::POST, &mut item.post),
                (Method::DELETE, &mut item.delete),
            ];
            for (method, operation) in operations {
                let Some(op) = operation else { continue };
                // A JSON body; the files (a dossier's PDF, a unit's log) are
                // read by their handlers, with their own limits.
                let json = op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.contains_key("application/json"));
                if json {
                    refusal(
                        op,
                        400,
                        "Not JSON, or not of the body's shape (`malformed`)",
                    );
                    refusal(op, 413, "The body is over 1 MiB (`too_large`)");
                    refusal(
                        op,
                        415,
                        "The body is not `application/json` (`content_type`)",
                    );
                }
                if path.starts_with("/api/campaigns/{id}") {
                    refusal(op, 404, "No such campaign (`not_found`)");
                } else if path.contains("{id}") {
                    refusal(op, 404, "No such election (`not_found`)");
                }
                if super::rate_limited_route(&method, path) {
                    refusal(
                        op,
                        429,
                        "Too many requests from this address (`rate_limited`)",
                    );
                }
                refusal(
                    op,
                    503,
                    "Storage failure, nothing recorded (`storage`), or over 30 s (`timeout`): try again",
                );
            }
        }
    }
}

/// Documents that `op` may answer `status` with an [`ErrorBody`], unless its
/// own annotation already says more.
fn refusal(op: &mut Operation, status: u16, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
                .into()
        });
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
