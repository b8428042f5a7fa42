//! The verifier's verdicts in Vietnamese, for the people who read them: the
//! inspectors of the superior body (R13) and the counting committee. The
//! English texts (`Display`) stay as they are: they are what `verify --json`
//! and the wasm API's `reason` carry. Where a detail comes from a decoder
//! (a field name, a byte count), it is kept in English inside the Vietnamese
//! sentence: it names a field of PROTOCOL.md.

use tinnhiem_core::ballot::BallotError;

use crate::state::{ExclusionReason, Phase, Reason};

/// The phase in Vietnamese.
pub fn phase(p: Phase) -> &'static str {
    match p {
        Phase::Empty => "chưa có dòng nào",
        Phase::Setup => "chuẩn bị",
        Phase::Voting => "đang bỏ phiếu",
        Phase::Closed => "đã kết thúc bỏ phiếu",
        Phase::Done => "đã công bố kết quả",
    }
}

/// An entry kind (the `kind` field) in Vietnamese.
pub fn kind(k: &str) -> &'static str {
    match k {
        "election" => "khởi tạo",
        "trustee_key" => "khoá thành viên",
        "election_key" => "khoá chung",
        "quorum" => "điểm danh",
        "credentials" => "phát mã",
        "open" => "mở bỏ phiếu",
        "ballot" => "phiếu",
        "close" => "kết thúc bỏ phiếu",
        "decryption" => "giải mã",
        "result" => "kết quả",
        "dealing" => "chia phần khoá",
        "complaint" => "khiếu nại phần khoá",
        "shares_ok" => "xác nhận phần khoá",
        "cancel" => "huỷ phiếu mã",
        "audit" => "kiểm tra mã hoá",
        _ => "không rõ",
    }
}

/// Why the log fails at an entry, in Vietnamese.
pub fn reason(r: &Reason) -> String {
    match r {
        Reason::Malformed(e) => format!("dòng sai định dạng ({e})"),
        Reason::Sequence { expected, found } => format!(
            "số thứ tự {found} ở vị trí {expected}: một dòng đã bị xoá, thêm hoặc chuyển chỗ"
        ),
        Reason::Chain => {
            "trường prev không khớp với mã băm của dòng trước: chuỗi nhật ký bị đứt".to_string()
        }
        Reason::ServerSignature => {
            "chữ ký của máy chủ trên dòng này không hợp lệ: dòng đã bị sửa".to_string()
        }
        Reason::OutOfPhase { kind: k, phase: p } => format!(
            "dòng loại “{}” không được xuất hiện ở giai đoạn “{}”",
            kind(k),
            phase(*p)
        ),
        Reason::UnknownTrustee(t) => {
            format!("thành viên Ban kiểm phiếu số {t} không tồn tại hoặc chưa công bố khoá")
        }
        Reason::Duplicate(t) => format!("thành viên số {t} đã công bố nội dung này rồi"),
        Reason::KeyProof(t) => {
            format!("thành viên số {t}: chứng minh sở hữu phần khoá không hợp lệ")
        }
        Reason::CommitteeSignature(k) => format!(
            "chữ ký của thành viên Ban kiểm phiếu trên dòng “{}” không hợp lệ ở vị trí này \
             (nội dung đã bị sửa, người ký không phải thành viên, hoặc một văn bản đã ký \
             cho vị trí khác trong nhật ký bị gửi lại)",
            kind(k)
        ),
        Reason::ElectionKey => {
            "khoá chung không bằng tổng các phần khoá đã công bố".to_string()
        }
        Reason::Attendance { present, summoned } => {
            format!("số có mặt ({present}) lớn hơn số được triệu tập ({summoned})")
        }
        Reason::NoQuorum { present, summoned } => format!(
            "mở bỏ phiếu khi chưa đủ 2/3 số được triệu tập (R2): có mặt {present}/{summoned}"
        ),
        Reason::TooManyCredentials { issued, present } => {
            format!("phát {issued} mã cho {present} người có mặt (R3)")
        }
        Reason::BadCredential { index } => {
            format!("mã thứ {index} của dòng này không hợp lệ hoặc đã được phát")
        }
        Reason::CancelUsed { index, used_by } => format!(
            "mã thứ {index} của dòng này đã được dùng cho phiếu ở dòng {used_by}, không thể huỷ"
        ),
        Reason::Decryption { trustee, item } => {
            format!("thành viên số {trustee}: phần giải mã số {item} không hợp lệ")
        }
        Reason::DecryptionCount {
            trustee,
            expected,
            found,
        } => format!("thành viên số {trustee}: {found} phần giải mã cho {expected} tổng"),
        Reason::ResultTooEarly => {
            "kết quả được công bố trước khi đủ phần giải mã của mọi thành viên".to_string()
        }
        Reason::Undecryptable { candidate, option } => format!(
            "người thứ {}, mức {}: tổng giải mã không phải là số phiếu (không quá số phiếu thu vào)",
            candidate + 1,
            option + 1
        ),
        Reason::WrongResult {
            candidate,
            published,
            decrypted,
        } => format!(
            "kết quả công bố khác kết quả giải mã: người thứ {}, công bố {}, giải mã {}",
            candidate + 1,
            row(published),
            row(decrypted)
        ),
        Reason::Incomplete(p) => format!(
            "nhật ký dừng ở giai đoạn “{}”, trước khi công bố kết quả",
            phase(*p)
        ),
        Reason::Dealing { dealer, fault } => format!(
            "thành viên số {dealer}: bản chia phần khoá không qua kiểm tra công khai {fault}"
        ),
        Reason::Complaint { dealer, complainer } => format!(
            "khiếu nại của thành viên số {complainer} đối với bản chia phần khoá của \
             thành viên số {dealer} không được chấp nhận"
        ),
        Reason::NotQualified(t) => format!(
            "thành viên số {t} đã bị loại trong lễ tạo khoá và không được giải mã"
        ),
        Reason::TooFewQualified { qualified, needed } => format!(
            "chỉ {qualified} thành viên đủ điều kiện trong lễ tạo khoá, cần {needed}"
        ),
        Reason::BadAudit { candidate, option } => format!(
            "phiếu kiểm tra mã hoá: người thứ {}, mức {}: bản mã không phải là mã hoá của lựa chọn              đã công bố với số ngẫu nhiên đã công bố",
            candidate + 1,
            option + 1
        ),
    }
}

/// A row of counts, or its absence.
fn row(r: &Option<[u64; 3]>) -> String {
    match r {
        Some(c) => format!("{c:?}"),
        None => "không có dòng nào".into(),
    }
}

/// Why a ballot is left out of the count, in Vietnamese.
pub fn exclusion(x: &ExclusionReason) -> String {
    match x {
        ExclusionReason::Invalid(BallotError::IdentityCiphertext { candidate, option }) => {
            format!(
                "phiếu không hợp lệ: người thứ {}, ô {} được mã hoá với độ ngẫu nhiên 0 \
                 (lựa chọn lộ công khai trong nhật ký)",
                candidate + 1,
                option + 1
            )
        }
        ExclusionReason::OutsideVoting => "gửi ngoài thời gian bỏ phiếu".to_string(),
        ExclusionReason::NotIssued => {
            "mã không do Ban kiểm phiếu phát hành (giả mạo, R5)".to_string()
        }
        ExclusionReason::Repeated(seq) => format!("mã đã được dùng cho phiếu ở dòng {seq}"),
        ExclusionReason::Cancelled => "mã đã bị Ban kiểm phiếu huỷ".to_string(),
        ExclusionReason::Invalid(e) => format!("phiếu không hợp lệ ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tinnhiem_core::error::DecodeError;

    fn every_reason() -> Vec<Reason> {
        vec![
            Reason::Malformed(DecodeError::Json("x".into())),
            Reason::Sequence {
                expected: 7,
                found: 9,
            },
            Reason::Chain,
            Reason::ServerSignature,
            Reason::OutOfPhase {
                kind: "ballot",
                phase: Phase::Closed,
            },
            Reason::UnknownTrustee(2),
            Reason::Duplicate(2),
            Reason::KeyProof(2),
            Reason::CommitteeSignature("open"),
            Reason::ElectionKey,
            Reason::Attendance {
                present: 11,
                summoned: 10,
            },
            Reason::NoQuorum {
                present: 6,
                summoned: 10,
            },
            Reason::TooManyCredentials {
                issued: 12,
                present: 10,
            },
            Reason::BadCredential { index: 3 },
            Reason::CancelUsed {
                index: 1,
                used_by: 9,
            },
            Reason::Decryption {
                trustee: 1,
                item: 4,
            },
            Reason::DecryptionCount {
                trustee: 1,
                expected: 9,
                found: 8,
            },
            Reason::ResultTooEarly,
            Reason::Undecryptable {
                candidate: 0,
                option: 2,
            },
            Reason::WrongResult {
                candidate: 1,
                published: Some([1, 2, 3]),
                decrypted: Some([3, 2, 1]),
            },
            Reason::WrongResult {
                candidate: 2,
                published: None,
                decrypted: Some([3, 2, 1]),
            },
            Reason::Incomplete(Phase::Voting),
            Reason::Dealing {
                dealer: 2,
                fault: "Signature",
            },
            Reason::Complaint {
                dealer: 1,
                complainer: 2,
            },
            Reason::NotQualified(1),
            Reason::TooFewQualified {
                qualified: 1,
                needed: 2,
            },
        ]
    }

    #[test]
    fn every_reason_has_its_own_vietnamese_text_with_its_figures() {
        let all = every_reason();
        let texts: Vec<String> = all.iter().map(reason).collect();
        for (r, t) in all.iter().zip(&texts) {
            assert!(!t.is_empty());
            assert_ne!(t, &r.to_string(), "{r:?} is not translated");
            // Every number the English text gives, the Vietnamese one gives.
            let en = r.to_string();
            for n in en
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
            {
                // Candidate and option indices are shown from 1 in Vietnamese.
                if matches!(r, Reason::Undecryptable { .. } | Reason::WrongResult { .. }) {
                    continue;
                }
                assert!(t.contains(n), "{r:?}: {n} missing from {t:?}");
            }
        }
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), texts.len(), "two reasons read the same");
        assert!(reason(&Reason::NoQuorum {
            present: 6,
            summoned: 10
        })
        .contains("6/10"));
        assert!(reason(&Reason::Undecryptable {
            candidate: 0,
            option: 2
        })
        .contains("người thứ 1, mức 3"));
    }

    #[test]
    fn exclusions_and_phases_are_translated() {
        assert!(exclusion(&ExclusionReason::Repeated(42)).contains("42"));
        assert!(exclusion(&ExclusionReason::NotIssued).contains("R5"));
        assert!(exclusion(&ExclusionReason::Cancelled).contains("huỷ"));
        assert!(
            exclusion(&ExclusionReason::Invalid(BallotError::IdentityCiphertext {
                candidate: 0,
                option: 3
            }))
            .contains("người thứ 1, ô 4")
        );
        let missing = reason(&Reason::WrongResult {
            candidate: 1,
            published: None,
            decrypted: Some([0, 0, 0]),
        });
        assert!(missing.contains("công bố không có dòng nào"), "{missing}");
        for p in [
            Phase::Empty,
            Phase::Setup,
            Phase::Voting,
            Phase::Closed,
            Phase::Done,
        ] {
            assert!(!phase(p).is_empty());
        }
        assert_eq!(kind("nonsense"), "không rõ");
    }
}
