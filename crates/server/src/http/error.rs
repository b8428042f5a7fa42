//! The edge's errors: every refusal is a status, a stable code and a
//! message in Vietnamese with English beside it. Messages never contain a
//! credential, a key or a ballot's content.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::election::DomainError;

/// The JSON body of every refusal.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code (`forged`, `repeated`, `phase`, ...).
    pub error: &'static str,
    /// Vietnamese message.
    pub message: String,
    /// English message.
    pub message_en: String,
}

/// An error answered over HTTP.
pub(crate) struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    /// A custom refusal.
    pub fn new(
        status: StatusCode,
        error: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error,
                message: vi.into(),
                message_en: en.into(),
            },
        }
    }

    /// The request body does not decode (the decoder's detail, which
    /// names fields of the API, goes in the English message only).
    pub fn malformed(detail: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "Yêu cầu không đúng định dạng mà máy chủ nhận.",
            format!("Malformed request: {detail}"),
        )
    }
}

/// A phase as [`DomainError::Phase`] names it, in Vietnamese.
fn phase_vi(p: &str) -> &'static str {
    match p {
        "draft" => "bản nháp, chưa niêm phong",
        "sealed" => "đã niêm phong: nhật ký đã bắt đầu, không sửa hay xoá được",
        "setup" => "chuẩn bị",
        "voting" => "đang bỏ phiếu",
        "not voting" => "không trong thời gian bỏ phiếu",
        "closed" => "đã kết thúc bỏ phiếu",
        "done" => "đã công bố kết quả",
        "not done" => "chưa có kết quả",
        _ => "khác",
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        use DomainError as D;
        let en = e.to_string();
        let (status, code, vi) = match &e {
            D::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Không tìm thấy cuộc lấy phiếu này.".to_string(),
            ),
            D::NoSuchBallot => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Không có phiếu nào với mã theo dõi này trong nhật ký.".to_string(),
            ),
            D::Unauthorized => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Bạn không có quyền thực hiện thao tác này.".to_string(),
            ),
            D::Phase(p) => (
                StatusCode::CONFLICT,
                "phase",
                format!(
                    "Thao tác này không được phép ở giai đoạn hiện tại ({}).",
                    phase_vi(p)
                ),
            ),
            D::Excluded { index, reason } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "excluded_r9",
                format!(
                    "Người thứ {} không thuộc diện lấy phiếu tín nhiệm (R9): {}.",
                    index + 1,
                    match *reason {
                        "announced as retiring" => "đã có thông báo nghỉ hưu",
                        _ => "được bổ nhiệm, bầu trong năm lấy phiếu",
                    }
                ),
            ),
            D::Invalid { vi, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", vi.clone()),
            D::DuplicateCandidate { first, second } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "duplicate_candidate",
                format!("Dòng {first} và dòng {second} trùng họ tên và chức vụ."),
            ),
            D::Cancel(c) => {
                use crate::election::CancelError as C;
                let code = match c {
                    C::Used { .. } => "cancel_used",
                    C::NotIssued(_) | C::AlreadyCancelled(_) | C::Twice(_) => "cancel_invalid",
                };
                (StatusCode::UNPROCESSABLE_ENTITY, code, c.vi())
            }
            D::Quorum { present, summoned } => (
                StatusCode::CONFLICT,
                "quorum",
                format!("Chưa đủ 2/3 số người được triệu tập (R2): có mặt {present}/{summoned}."),
            ),
            D::Forged => (
                StatusCode::FORBIDDEN,
                "forged",
                "Phiếu không do Ban kiểm phiếu phát hành (mã không hợp lệ).".to_string(),
            ),
            D::Repeated => (
                StatusCode::CONFLICT,
                "repeated",
                "Mã này đã được dùng để bỏ phiếu.".to_string(),
            ),
            D::Cancelled => (
                StatusCode::FORBIDDEN,
                "cancelled",
                "Phiếu mã này đã bị Ban kiểm phiếu huỷ; xin Ban kiểm phiếu phát phiếu mã khác."
                    .to_string(),
            ),
            D::InvalidBallot(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_ballot",
                "Phiếu không hợp lệ: chữ ký hoặc chứng minh trên phiếu không đúng. Xin tải lại \
                 trang bỏ phiếu rồi bỏ phiếu lại."
                    .to_string(),
            ),
            D::Rejected(r) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "rejected",
                format!(
                    "Bị từ chối theo quy tắc của nhật ký: {}.",
                    tinnhiem_tally::vi::reason(r)
                ),
            ),
            D::Ceremony(c) => {
                use crate::election::CeremonyError as C;
                let (status, code) = match c {
                    C::NotThreshold
                    | C::Over
                    | C::KeysMissing(_)
                    | C::AlreadyDealt(_)
                    | C::ComplaintAfterSharesOk(_)
                    | C::DealerAlreadyOut { .. }
                    | C::DealingsMissing(_) => (StatusCode::CONFLICT, "ceremony"),
                    C::ComplaintOwnShare(_) => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "complaint_not_upheld")
                    }
                    C::DecryptionsNeeded { .. } => (StatusCode::CONFLICT, "decryptions_needed"),
                    C::BadDealing { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_dealing"),
                    C::ComplaintNotUpheld { .. } => {
                        (StatusCode::UNPROCESSABLE_ENTITY, "complaint_not_upheld")
                    }
                    C::NotQualified(_) => (StatusCode::UNPROCESSABLE_ENTITY, "not_qualified"),
                    C::BadDecryption { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "bad_decryption"),
                };
                (status, code, c.vi())
            }
            D::Audit(a) => {
                use crate::election::AuditRefusal as A;
                let status = match a {
                    A::NotIssued | A::Cancelled | A::AlreadyVoted | A::BadSignature => {
                        StatusCode::FORBIDDEN
                    }
                    A::TooMany => StatusCode::TOO_MANY_REQUESTS,
                    A::Opened => StatusCode::CONFLICT,
                    A::CandidateCount { .. } | A::Bad { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (status, a.code(), a.vi())
            }
            D::Storage(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "storage",
                "Lỗi lưu trữ; phiếu chưa được ghi nhận, vui lòng gửi lại.".to_string(),
            ),
        };
        ApiError::new(status, code, vi, en)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
