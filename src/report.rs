//! What people read on a terminal: the result table (R6, R7) and the
//! exclusions. The printable minutes are the server's
//! (`tinnhiem_server::minutes`), which serves them too.

use std::fmt::Write as _;

use tinnhiem_server::minutes::consequence_vi;
use tinnhiem_tally::{Committee, ElectionResult, Exclusion};

/// The result table for a terminal, Vietnamese headings.
pub fn table(r: &ElectionResult) -> String {
    let mut s = String::new();
    let q = &r.quorum;
    let _ = writeln!(
        s,
        "Triệu tập {} · có mặt {} · đủ 2/3 (R2): {}",
        q.summoned,
        q.present,
        if q.met { "có" } else { "không" }
    );
    let _ = writeln!(
        s,
        "Phiếu phát ra {} · phiếu thu vào {}",
        r.issued, r.returned
    );
    for (i, c) in r.candidates.iter().enumerate() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}. {} — {}", i + 1, c.name, c.position);
        let _ = writeln!(
            s,
            "   Phát ra {} · thu vào {} · hợp lệ {} · không hợp lệ {}",
            c.issued, c.returned, c.valid, c.invalid
        );
        let _ = writeln!(
            s,
            "   Tín nhiệm cao  {:>5}  {:>6.2}%",
            c.high.count, c.high.percent
        );
        let _ = writeln!(
            s,
            "   Tín nhiệm      {:>5}  {:>6.2}%",
            c.confidence.count, c.confidence.percent
        );
        let _ = writeln!(
            s,
            "   Tín nhiệm thấp {:>5}  {:>6.2}%",
            c.low.count, c.low.percent
        );
        let _ = writeln!(s, "   Hệ quả (R7): {}", consequence_vi(&c.consequence));
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Máy chủ đã từ chối: {} phiếu giả, {} phiếu lặp · phiếu bị loại khi kiểm: {}",
        r.refused.forged, r.refused.repeated, r.excluded
    );
    let _ = writeln!(s, "Mã băm cuối nhật ký (log head): {}", r.log_head);
    s
}

/// The slips the committee cancelled (`cancel` entries), when there are
/// any: "Phiếu phát ra" of the table counts the others.
pub fn cancelled(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(
            "Phiếu mã đã huỷ (hỏng, mất), không tính vào phiếu phát ra: {n} (cancelled slips, not counted as issued: {n})\n"
        )
    }
}

/// The leader's dossier committed in line 0 (R12): each document's name
/// and SHA-256, to compare with the files the voters received
/// (`sha256sum FILE`). Nothing when line 0 has none.
pub fn dossier(docs: &[tinnhiem_core::log::DossierDocument]) -> String {
    let mut s = String::new();
    if !docs.is_empty() {
        let _ = writeln!(
            s,
            "Hồ sơ của người được lấy phiếu (dossier), SHA-256 cam kết trong dòng 0:"
        );
        for (i, d) in docs.iter().enumerate() {
            let _ = writeln!(
                s,
                "  {}. {} · {} byte · SHA-256 {}",
                i + 1,
                d.name,
                d.bytes,
                tinnhiem_core::encoding::hex(&d.sha256.0)
            );
        }
    }
    s
}

/// The exclusions, one line each.
pub fn exclusions(list: &[Exclusion]) -> String {
    list.iter()
        .map(|e| {
            format!(
                "Dòng {}: bị loại khi kiểm: {} (entry {}: excluded: {})\n",
                e.seq,
                tinnhiem_tally::vi::exclusion(&e.reason),
                e.seq,
                e.reason
            )
        })
        .collect()
}

/// The opened ballots (audits) of a verified log, one line each: its line,
/// seal code and the marks it opened to (nothing when there are none).
pub fn audits(list: &[tinnhiem_tally::Audit]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Phiếu kiểm tra mã hoá (ballots opened to check the encryption, never counted): {}\n",
        list.len()
    );
    for a in list {
        let marks: Vec<&str> = a
            .choices
            .iter()
            .map(|&c| tinnhiem_tally::json::choice_name(c))
            .collect();
        out.push_str(&format!(
            "Dòng {} (entry {}): mã niêm phong (seal) {}: {}\n",
            a.seq,
            a.seq,
            a.seal,
            marks.join(", ")
        ));
    }
    out
}

/// "2 (Thư ký), 3 (Uỷ viên)": members by their index (from 0, as the
/// committee commands take it) and name.
pub fn members(c: &Committee, list: &[u32]) -> String {
    list.iter()
        .map(|&i| match c.members.get(i as usize) {
            Some(name) => format!("{i} ({name})"),
            None => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Ban kiểm phiếu: 2/3 thành viên cần để giải mã (threshold 2 of 3)";
/// `None` before line 0.
pub fn threshold_line(c: &Committee) -> Option<String> {
    if c.members.is_empty() {
        return None;
    }
    let (t, n) = (c.threshold, c.members.len());
    let ceremony = if c.threshold_ceremony {
        ""
    } else {
        ", mọi thành viên đều phải giải mã (n of n: every member must decrypt)"
    };
    Some(format!(
        "Ban kiểm phiếu: {t}/{n} thành viên cần để giải mã (threshold {t} of {n}){ceremony}"
    ))
}

/// The committee's lines of `verify`: t of n, the qualified members (under
/// the threshold ceremony, once known) and who decrypted.
pub fn committee(c: &Committee) -> String {
    let Some(first) = threshold_line(c) else {
        return String::new();
    };
    let mut s = format!("{first}\n");
    if let Some(q) = &c.qualified {
        let _ = writeln!(
            s,
            "Thành viên hợp lệ (qualified members): {}",
            members(c, q)
        );
    }
    if !c.decrypted_by.is_empty() {
        let _ = writeln!(
            s,
            "Đã giải mã (decrypted by): {}",
            members(c, &c.decrypted_by)
        );
    }
    s
}
