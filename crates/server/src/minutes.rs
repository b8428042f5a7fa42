//! The printable minutes of the count (biên bản kiểm phiếu, R10), which the
//! server serves at `/api/elections/{id}/minutes` and `simulate` writes
//! next to the log.

use std::fmt::Write as _;

use tinnhiem_core::log::ElectionBody;
use tinnhiem_tally::ElectionResult;

use crate::html::{esc, qr_svg};

/// The minutes' only style sheet, inline so that the page stays whole when
/// saved and archived (R10). Its hash is in [`minutes_csp`].
const MINUTES_CSS: &str = "\
body { font-family: \"Times New Roman\", serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #000; }\n\
h1, h2 { text-align: center; }\n\
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }\n\
th, td { border: 1px solid #000; padding: 0.3rem; text-align: center; }\n\
td:nth-child(2), td:nth-child(3) { text-align: left; }\n\
.hash { font-family: monospace; word-break: break-all; }\n\
.qr svg { width: 40mm; height: 40mm; }\n\
.sign { display: flex; justify-content: space-between; margin-top: 3rem; }\n\
@media print { .copy { page-break-after: always; } }\n\
";

/// The Content-Security-Policy of the minutes page: nothing but its own
/// inline style sheet, allowed by hash (the server's policy for every other
/// page, `style-src 'self'`, would block it), no script, no connection, no
/// framing.
pub fn minutes_csp() -> String {
    use sha2::{Digest, Sha256};
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'",
        base64(&Sha256::digest(MINUTES_CSS.as_bytes()))
    )
}

/// Standard base64 with padding (RFC 4648 §4), as CSP hashes are written.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * k)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The consequence of a candidate's count (R7), in Vietnamese, from its
/// code in the result (`9.2`, `9.3`, or none).
pub fn consequence_vi(code: &str) -> &'static str {
    match code {
        "9.2" => "9.2: trên 50% đến dưới 2/3 tín nhiệm thấp",
        "9.3" => "9.3: từ 2/3 trở lên tín nhiệm thấp",
        _ => "không",
    }
}

/// The counting committee's part of the minutes: its members (each marked
/// when its partial decryption is in the log), `t` of `n`, and who
/// decrypted. `decrypted_by[i]`: member `i`'s partial decryption is in the
/// log.
fn committee_html(e: &ElectionBody, decrypted_by: &[bool]) -> String {
    let n = e.trustees.len();
    let t = e.threshold.map_or(n, |t| t as usize);
    let done = |i: usize| decrypted_by.get(i).copied().unwrap_or(false);
    let items: String = e
        .trustees
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mark = if done(i) {
                " — đã giải mã (decrypted)"
            } else {
                ""
            };
            format!("<li>{}{mark}</li>", esc(name))
        })
        .collect();
    let need = if t == n {
        format!("cần cả {n} thành viên để giải mã (all {n} members must decrypt)")
    } else {
        format!("cần {t} thành viên để giải mã (any {t} of the {n} members decrypt)")
    };
    let by: Vec<String> = e
        .trustees
        .iter()
        .enumerate()
        .filter(|(i, _)| done(*i))
        .map(|(_, name)| esc(name))
        .collect();
    format!(
        "<p>Ban kiểm phiếu gồm {n} thành viên; {need} (counting committee of {n}, threshold {t} \
         of {n}):</p>\n<ul>{items}</ul>\n<p>Các thành viên đã giải mã (members who \
         decrypted): {}.</p>",
        if by.is_empty() {
            "không có (none)".to_owned()
        } else {
            by.join(", ")
        }
    )
}

/// The minutes of the count (R10) as a printable HTML page; `decrypted_by`
/// as the view's (member `i`'s partial decryption is in the log).
pub fn minutes_html(e: &ElectionBody, r: &ElectionResult, decrypted_by: &[bool]) -> String {
    let mut rows = String::new();
    for (i, c) in r.candidates.iter().enumerate() {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{} ({:.2}%)</td><td>{} ({:.2}%)</td><td>{} ({:.2}%)</td><td>{}</td></tr>",
            i + 1,
            esc(&c.name),
            esc(&c.position),
            c.issued,
            c.returned,
            c.valid,
            c.invalid,
            c.high.count,
            c.high.percent,
            c.confidence.count,
            c.confidence.percent,
            c.low.count,
            c.low.percent,
            esc(consequence_vi(&c.consequence)),
        );
    }
    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Biên bản kiểm phiếu — {title}</title>
<style>{css}</style>
</head>
<body>
<p><b>{unit}</b></p>
<h1>BIÊN BẢN KIỂM PHIẾU<br><small>Minutes of the count</small></h1>
<h2>{title}</h2>
<p>Ngày (date): {date}. MẬT (confidential, R10): lập thành 3 bản; 2 bản gửi cấp trên trực tiếp, 1 bản lưu cùng phiếu.</p>
<p>Số người được triệu tập (summoned): <b>{summoned}</b>; số người có mặt (present): <b>{present}</b>;
đủ 2/3 theo quy định (quorum, R2): <b>{met}</b>.</p>
{committee}
<p>Số phiếu phát ra (issued): <b>{issued}</b>; số phiếu thu vào (returned): <b>{returned}</b>.</p>
<table>
<thead><tr><th>TT</th><th>Họ và tên</th><th>Chức vụ</th><th>Phát ra</th><th>Thu vào</th><th>Hợp lệ</th><th>Không hợp lệ</th>
<th>Tín nhiệm cao</th><th>Tín nhiệm</th><th>Tín nhiệm thấp</th><th>Hệ quả (R7)</th></tr></thead>
<tbody>{rows}</tbody>
</table>
<p>Tỷ lệ tính trên tổng số phiếu thu vào (percentages of ballots returned, R6).</p>
<p>Máy chủ đã từ chối {forged} phiếu không do Ban kiểm phiếu phát hành và {repeated} phiếu lặp lại; số phiếu bị loại khi kiểm: {excluded}.</p>
<p>Mã băm cuối nhật ký (log head, SHA-256): <span class="hash">{head}</span></p>
<div class="qr">{head_qr}</div>
<p>Thanh tra cấp trên kiểm tra lại nhật ký bằng <code>tinnhiem verify log.jsonl</code> (inspectors re-verify the log, R13).</p>
<div class="sign"><div>Đại diện cơ quan cấp trên (giám sát)</div><div>Trưởng Ban kiểm phiếu</div></div>
</body>
</html>
"#,
        title = esc(&e.title),
        unit = esc(&e.unit),
        date = esc(&e.date),
        summoned = r.quorum.summoned,
        present = r.quorum.present,
        met = if r.quorum.met {
            "có (yes)"
        } else {
            "không (no)"
        },
        committee = committee_html(e, decrypted_by),
        issued = r.issued,
        returned = r.returned,
        rows = rows,
        forged = r.refused.forged,
        repeated = r.refused.repeated,
        excluded = r.excluded,
        head = esc(&r.log_head),
        head_qr = qr_svg(&r.log_head, 160),
        css = MINUTES_CSS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        // RFC 4648 §10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn minutes_state_the_threshold_and_the_members_who_decrypted() {
        use tinnhiem_core::log::Candidate;
        use tinnhiem_tally::sim::{Meeting, Setup, Threshold};
        let mut rng = rand::rngs::OsRng;
        let setup = Setup {
            id: None,
            title: "Lấy phiếu".into(),
            unit: "Sở".into(),
            date: "2026-11-28".into(),
            candidates: vec![Candidate {
                name: "Nguyễn Văn A".into(),
                position: "Giám đốc".into(),
                person: None,
            }],
            summoned: 3,
            trustees: vec!["Trưởng ban".into(), "Uỷ viên".into(), "Thư ký".into()],
        };
        let t = Threshold {
            t: 2,
            bad_dealer: None,
        };
        let mut m = Meeting::create_threshold(setup, t, &mut rng).unwrap();
        m.record_quorum(3, &mut rng).unwrap();
        m.issue_credentials(1, &mut rng).unwrap();
        m.open(&mut rng).unwrap();
        m.close(&mut rng).unwrap();
        m.decrypt_by(&[0, 2], &mut rng).unwrap();
        let r = m.tally.finish().unwrap();
        let body = m.tally.election().unwrap().clone();
        let html = minutes_html(&body, &r, &m.tally.decrypted_by());
        assert!(
            html.contains("Ban kiểm phiếu gồm 3 thành viên; cần 2 thành viên để giải mã"),
            "{html}"
        );
        assert!(
            html.contains("Các thành viên đã giải mã (members who decrypted): Trưởng ban, Thư ký.")
        );
        assert!(html.contains("<li>Thư ký — đã giải mã (decrypted)</li>"));
        assert!(html.contains("<li>Uỷ viên</li>"));
        // n of n: every member decrypts.
        let mut all = body.clone();
        all.threshold = None;
        let html = minutes_html(&all, &r, &[true, true, true]);
        assert!(html.contains("Ban kiểm phiếu gồm 3 thành viên; cần cả 3 thành viên để giải mã"));
    }

    #[test]
    fn minutes_policy_allows_only_the_style_sheet_by_hash() {
        let csp = minutes_csp();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!csp.contains("unsafe"));
        assert!(!csp.contains("script-src"));
        // SHA-256 of the sheet as written: a changed byte changes the policy.
        let mut changed = MINUTES_CSS.to_owned();
        changed.push(' ');
        use sha2::{Digest, Sha256};
        assert!(!csp.contains(&base64(&Sha256::digest(changed.as_bytes()))));
        assert!(csp.contains(&base64(&Sha256::digest(MINUTES_CSS.as_bytes()))));
    }
}
