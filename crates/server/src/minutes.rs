//! The printable minutes of the count (biên bản kiểm phiếu, R10), which the
//! server serves at `/api/elections/{id}/minutes` and `simulate` writes
//! next to the log.
//!
//! The minutes are computed from the log alone, verified again from its
//! first line with the separate verifier ([`tinnhiem_tally::verify_log`]),
//! as an inspector would: the result, the committee, the slips issued,
//! cancelled and returned, the signed ballots and the head are what the log
//! proves, never what the server keeps beside it. The page is the document
//! the committee signs: the usual header of Vietnamese minutes (the unit and
//! the committee on the left; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" for a
//! Party body, the national motto for any other: [`Header`]), "MẬT", the
//! meeting's date with blanks for the place and the times (the log has no
//! clock), the members and their roles ([`member_role`]), the counts, the
//! table of the plan's section 6.3, the consequences of 9.2 and 9.3 in
//! words, the election id and the log's head in words and as labelled QR
//! codes, a signature block for every member and for the representative of
//! the superior body who supervises (R13), and the three copies. The
//! printed page is Vietnamese only; an English gloss of each line is a
//! screen-only toggle (a checkbox and CSS: the page runs no script), never
//! printed. Its style sheet is `web/minutes.css`, inline here (allowed by
//! hash, [`minutes_csp`]) and served as `/static/minutes.css` for the
//! committee console, which opens the minutes in a window of its own.

use std::fmt::Write as _;

use tinnhiem_core::log::{parse_line, ElectionBody, Payload};
use tinnhiem_core::rules::{percent_hundredths, Consequence};
use tinnhiem_tally::{split_lines, verify_log, Committee, ElectionResult, VerifyError};

use crate::html::{esc, qr_svg};

/// The minutes' only style sheet (`web/minutes.css`), inline so that the
/// page stays whole when saved and archived (R10). Its hash is in
/// [`minutes_csp`].
const MINUTES_CSS: &str = include_str!("../../../web/minutes.css");

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
/// code in the result (`9.2`, `9.3`, or none): the short form of the
/// campaign report and the command line's table.
pub fn consequence_vi(code: &str) -> &'static str {
    match code {
        "9.2" => "9.2: trên 50% đến dưới 2/3 tín nhiệm thấp",
        "9.3" => "9.3: từ 2/3 trở lên tín nhiệm thấp",
        _ => "không",
    }
}

/// Why the minutes could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MinutesError {
    /// The log does not verify, or ends before the result.
    #[error("the log does not verify: {0}")]
    Log(#[from] VerifyError),
    /// The verifying task failed to finish.
    #[error("the verification did not finish")]
    Task,
}

impl MinutesError {
    /// The reason in Vietnamese.
    pub fn vi(&self) -> String {
        match self {
            MinutesError::Log(e) => format!(
                "nhật ký không hợp lệ tại dòng {}: {}",
                e.seq,
                tinnhiem_tally::vi::reason(&e.reason)
            ),
            MinutesError::Task => "việc kiểm tra nhật ký không hoàn tất".to_owned(),
        }
    }
}

/// What the minutes state, every fact from the verified log.
#[derive(Debug, Clone)]
pub struct Minutes {
    /// Line 0.
    pub election: ElectionBody,
    /// The verified result (R6, R7).
    pub result: ElectionResult,
    /// The committee: `t` of `n`, who decrypted.
    pub committee: Committee,
    /// Slips issued by every `credentials` entry, cancelled ones included.
    pub issued_total: u64,
    /// Slips cancelled by `cancel` entries (torn, lost, misprinted).
    pub cancelled: u64,
    /// Counted ballots whose voter declared a name (R4).
    pub signed: u64,
    /// Lines of the log.
    pub entries: u64,
}

impl Minutes {
    /// Verifies `log` (JSON Lines, from line 0 to the result) and gathers
    /// the minutes' facts from it.
    pub fn from_log(log: &[u8]) -> Result<Minutes, MinutesError> {
        let outcome = verify_log(log, &mut rand::rngs::OsRng, &mut |_, _| {})?;
        let excluded: std::collections::BTreeSet<u64> =
            outcome.exclusions.iter().map(|x| x.seq).collect();
        let mut election = None;
        let (mut issued_total, mut cancelled, mut signed) = (0u64, 0u64, 0u64);
        // Every line has just been verified: decoding it again cannot fail.
        for (seq, line) in (0u64..).zip(split_lines(log)) {
            let entry = parse_line(line).map_err(|e| VerifyError {
                seq,
                reason: tinnhiem_tally::Reason::Malformed(e),
            })?;
            match entry.payload {
                Payload::Election(e) => election = Some(e),
                Payload::Credentials(c) => issued_total += c.credentials.len() as u64,
                Payload::Cancel(c) => cancelled += c.credentials.len() as u64,
                Payload::Ballot(b) if b.signed_by.is_some() && !excluded.contains(&seq) => {
                    signed += 1
                }
                _ => {}
            }
        }
        Ok(Minutes {
            election: election.expect("a verified log starts with its election"),
            result: outcome.result,
            committee: outcome.committee,
            issued_total,
            cancelled,
            signed,
            entries: outcome.entries,
        })
    }
}

/// The minutes of the log `log` (verified from line 0) as a printable HTML
/// page.
pub fn minutes_html(log: &[u8]) -> Result<String, MinutesError> {
    Ok(render(&Minutes::from_log(log)?))
}

/// The minutes of an election whose result is in its log: the whole
/// durable log verified again on a blocking thread (about a millisecond
/// per ballot).
pub(crate) async fn served(election: &crate::election::Election) -> Result<String, MinutesError> {
    use crate::election::{LogAnswer, LogRange};
    let log = match election.log_range(LogRange { from: 0, to: None }, None) {
        LogAnswer::Lines { bytes, .. } => bytes,
        LogAnswer::NotModified { .. } => unreachable!("asked without a tag"),
    };
    tokio::task::spawn_blocking(move || minutes_html(&log))
        .await
        .map_err(|_| MinutesError::Task)?
}

/// The header's right-hand side: the Party's name for a Party body, the
/// national motto for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// "ĐẢNG CỘNG SẢN VIỆT NAM": the unit is a Party body (a Party
    /// committee, cell, board or executive committee).
    Party,
    /// "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh
    /// phúc": a state body or public service unit, and any unit not
    /// recognized as a Party body.
    State,
}

/// Lower case without Vietnamese tone and vowel marks (`đ` → `d`), in NFC
/// or NFD alike, and with runs of spaces made one: for recognizing words
/// in names typed by people.
fn fold(s: &str) -> String {
    const TABLE: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        // U+00F0 stands in for đ on some keyboards.
        ("đð", 'd'),
    ];
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = TABLE
            .iter()
            .find(|(set, _)| set.contains(c))
            .map_or(c, |(_, base)| *base);
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_owned()
}

impl Header {
    /// The header a unit uses: a unit whose name says it is a Party body
    /// ("Đảng uỷ Sở Y tế", "Chi bộ ...", "Ban Thường vụ Huyện uỷ", "Ban
    /// cán sự đảng ...", "Tỉnh uỷ ...") heads its papers with the Party's
    /// name; every other unit with the national motto.
    pub fn of(unit: &str) -> Header {
        const PARTY: [&str; 12] = [
            "dang uy",
            "dang bo",
            "chi bo",
            "dang doan",
            "ban can su dang",
            "dang cong san",
            "tinh uy",
            "thanh uy",
            "huyen uy",
            "quan uy",
            "thi uy",
            "ban thuong vu",
        ];
        let u = format!(" {} ", fold(unit));
        if PARTY.iter().any(|w| u.contains(&format!(" {w} "))) {
            Header::Party
        } else {
            Header::State
        }
    }
}

/// The roles a member's name may carry, folded, with the form printed.
const ROLES: [(&str, &str); 5] = [
    ("truong ban", "Trưởng ban"),
    ("pho truong ban", "Phó Trưởng ban"),
    ("thu ky", "Thư ký"),
    ("thanh vien", "Thành viên"),
    ("uy vien", "Uỷ viên"),
];

/// The role a piece of a member's name states, if it is exactly one.
fn role_named(part: &str) -> Option<&'static str> {
    let f = fold(
        part.trim()
            .trim_matches(|c: char| matches!(c, '(' | ')' | ':' | ',' | '-')),
    );
    ROLES.iter().find(|(k, _)| f == *k).map(|(_, r)| *r)
}

/// A member's role and name as line 0 gives them: a name may state its
/// role ("Trưởng ban: Nguyễn Văn A", "Nguyễn Văn A - Thư ký", "Nguyễn Văn A
/// (Thư ký)", or the role alone, which leaves the name to be written by
/// hand); otherwise the first member chairs the committee (Trưởng ban,
/// unless another name says it does) and the others are members (Thành
/// viên). Returns `(role, name)`.
pub fn member_role(members: &[String], i: usize) -> (&'static str, String) {
    let stated = |name: &str| -> Option<(&'static str, String)> {
        let name = name.trim();
        if let Some(r) = role_named(name) {
            return Some((r, String::new()));
        }
        if let Some(inner) = name.strip_suffix(')') {
            if let Some((person, role)) = inner.rsplit_once('(') {
                if let Some(r) = role_named(role) {
                    return Some((r, person.trim().to_owned()));
                }
            }
        }
        for sep in [":", " - ", " – ", ","] {
            if let Some((a, b)) = name.split_once(sep) {
                if let Some(r) = role_named(a) {
                    return Some((r, b.trim().to_owned()));
                }
                if let Some(r) = role_named(b) {
                    return Some((r, a.trim().to_owned()));
                }
            }
        }
        None
    };
    if let Some(found) = stated(&members[i]) {
        return found;
    }
    let chair_named = members
        .iter()
        .any(|m| matches!(stated(m), Some(("Trưởng ban", _))));
    let role = if i == 0 && !chair_named {
        "Trưởng ban"
    } else {
        "Thành viên"
    };
    (role, members[i].trim().to_owned())
}

/// A count as Vietnamese writes it: `.` between thousands (1.234).
pub fn number_vi(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `count` as a percentage of `of` (R6, rounded half up to hundredths) as
/// Vietnamese writes it: `50,00%`.
pub fn percent_vi(count: u64, of: u64) -> String {
    let h = percent_hundredths(count, of);
    format!("{},{:02}%", number_vi(h / 100), h % 100)
}

/// A percentage already rounded to hundredths (R6, `result.json`'s
/// `percent`) as Vietnamese writes it: `65,00%`.
pub fn percent_vi_of(percent: f64) -> String {
    // `percent` is h / 100.0 for an integer h (PROTOCOL.md §7.2).
    let h = (percent * 100.0).round() as u64;
    format!("{},{:02}%", number_vi(h / 100), h % 100)
}

/// A `YYYY-MM-DD` day as Vietnamese papers write it: "ngày 05 tháng 02 năm
/// 2026" (a zero before a day under 10 and before January and February),
/// "ngày 28 tháng 11 năm 2026".
pub fn date_vi(date: &str) -> String {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(y), Some(m), Some(d)) => {
            let month = if m <= 2 {
                format!("{m:02}")
            } else {
                m.to_string()
            };
            format!("ngày {d:02} tháng {month} năm {y}")
        }
        _ => format!("ngày {}", esc(date)),
    }
}

/// The English gloss beside a Vietnamese line: shown on screen when the
/// reader asks for it, never printed.
fn en(text: &str) -> String {
    format!(r#" <span class="en" lang="en">({})</span>"#, esc(text))
}

/// A blank to fill in by hand on the printed page.
const BLANK: &str = r#"<span class="m-blank"></span>"#;

/// 64 hex digits in eight groups of eight, for reading aloud and comparing.
fn grouped(hex: &str) -> String {
    hex.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The minutes as a printable page.
pub fn render(m: &Minutes) -> String {
    let e = &m.election;
    let r = &m.result;
    let mut h = String::new();
    let header = Header::of(&e.unit);
    let day = date_vi(&e.date);

    // The header: unit and committee, "MẬT"; the Party or the motto, the
    // place and day.
    let right = match header {
        Header::Party => r#"<p class="m-nation"><b class="m-u">ĐẢNG CỘNG SẢN VIỆT NAM</b></p>"#,
        Header::State => {
            r#"<p class="m-nation"><b>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>
<p class="m-motto"><b class="m-u">Độc lập - Tự do - Hạnh phúc</b></p>"#
        }
    };
    let _ = write!(
        h,
        r#"<header class="m-head">
<div class="m-left">
<p class="m-unit">{unit}</p>
<p class="m-org"><b class="m-u">BAN KIỂM PHIẾU</b></p>
<p class="m-secret"><b>MẬT</b></p>
</div>
<div class="m-right">
{right}
<p class="m-place"><i>{BLANK}, {day}</i></p>
</div>
</header>
"#,
        unit = esc(&e.unit.to_uppercase()),
    );
    let _ = write!(
        h,
        r#"<h1>BIÊN BẢN KIỂM PHIẾU{en_title}</h1>
<p class="m-sub"><b>{title}</b></p>
"#,
        en_title = en("minutes of the count"),
        title = esc(&e.title),
    );

    // Place, date and time of the meeting and of the count.
    let _ = write!(
        h,
        r#"<section class="m-sec">
<p>Hội nghị lấy phiếu tín nhiệm của {unit} họp hồi {BLANK} giờ {BLANK} phút, {day}, tại {BLANK}.{en1}</p>
<p>Ban kiểm phiếu tiến hành kiểm phiếu hồi {BLANK} giờ {BLANK} phút cùng ngày, trên nhật ký điện tử của cuộc lấy phiếu, sau khi kiểm tra lại toàn bộ nhật ký: chuỗi mã băm, chữ ký của máy chủ và của Ban kiểm phiếu, chứng minh của từng phiếu và phần giải mã. Không ai, kể cả Ban kiểm phiếu, biết nội dung của từng phiếu; chỉ các tổng số được giải mã.{en2}</p>
</section>
"#,
        unit = esc(&e.unit),
        en1 = en("The confidence vote meeting: time and place written by hand; the date is the log's."),
        en2 = en("The count was made from the electronic log after verifying it again: hash chain, server and committee signatures, every ballot's proofs, the decryption. No one, the committee included, sees any single ballot; only the totals are decrypted."),
    );

    // The committee and its roles; who decrypted.
    let n = e.trustees.len();
    let mut members = String::new();
    for i in 0..n {
        let (role, name) = member_role(&e.trustees, i);
        let name = if name.is_empty() {
            BLANK.to_owned()
        } else {
            esc(&name)
        };
        let _ = write!(members, r#"<li data-member="{i}">{name} — {role}</li>"#,);
    }
    let t = m.committee.threshold as usize;
    let need = if t >= n {
        format!("cần cả {n} thành viên cùng giải mã")
    } else {
        format!("cần ít nhất {t} trong {n} thành viên cùng giải mã")
    };
    let by: Vec<String> = m
        .committee
        .decrypted_by
        .iter()
        .map(|&i| {
            let (_, name) = member_role(&e.trustees, i as usize);
            if name.is_empty() {
                format!("thành viên số {}", i + 1)
            } else {
                esc(&name)
            }
        })
        .collect();
    let _ = write!(
        h,
        r#"<section class="m-sec">
<h2>I. Ban kiểm phiếu{en_h}</h2>
<p>Ban kiểm phiếu do hội nghị bầu, gồm {n} thành viên:{en_list}</p>
<ol class="m-members">{members}</ol>
<p>Khoá giải mã kết quả được chia cho các thành viên; {need}. Các thành viên đã giải mã: <b>{by}</b>.{en_need}</p>
</section>
"#,
        en_h = en("the counting committee"),
        en_list = en(&format!("elected by the meeting, {n} members")),
        by = if by.is_empty() {
            "không có".to_owned()
        } else {
            by.join(", ")
        },
        en_need = en(&if t >= n {
            format!("the decryption key is shared; all {n} members must decrypt; members who decrypted as named")
        } else {
            format!("the decryption key is shared; any {t} of the {n} members decrypt; members who decrypted as named")
        }),
    );

    // The counts.
    let q = &r.quorum;
    let unused = r.issued.saturating_sub(r.returned);
    let _ = write!(
        h,
        r#"<section class="m-sec">
<h2>II. Số người và số phiếu{en_h}</h2>
<table class="m-counts">
<tr><td>Số người được triệu tập{en_s}</td><td class="m-n" data-count="summoned">{summoned}</td></tr>
<tr><td>Số người có mặt{en_p}</td><td class="m-n" data-count="present">{present} ({present_pct})</td></tr>
<tr><td colspan="2">{quorum}{en_q}</td></tr>
<tr><td>Số phiếu Ban kiểm phiếu đã phát hành{en_it}</td><td class="m-n" data-count="issued_total">{issued_total}</td></tr>
<tr><td>Số phiếu bị huỷ (rách, mất, in hỏng; chưa dùng){en_c}</td><td class="m-n" data-count="cancelled">{cancelled}</td></tr>
<tr><td><b>Số phiếu phát ra</b>{en_i}</td><td class="m-n" data-count="issued"><b>{issued}</b></td></tr>
<tr><td><b>Số phiếu thu về</b>{en_r}</td><td class="m-n" data-count="returned"><b>{returned}</b></td></tr>
<tr><td>Số phiếu phát ra không thu về{en_u}</td><td class="m-n" data-count="unused">{unused}</td></tr>
<tr><td>Số phiếu người ghi phiếu ký tên{en_sg}</td><td class="m-n" data-count="signed">{signed}</td></tr>
<tr><td>Số phiếu không do Ban kiểm phiếu phát ra, bị từ chối{en_f}</td><td class="m-n" data-count="forged">{forged}</td></tr>
<tr><td>Số lần gửi lại phiếu đã bỏ, bị từ chối{en_rp}</td><td class="m-n" data-count="repeated">{repeated}</td></tr>
<tr><td>Số phiếu bị loại khi kiểm{en_x}</td><td class="m-n" data-count="excluded">{excluded}</td></tr>
</table>
</section>
"#,
        en_h = en("people and ballots"),
        en_s = en("people summoned"),
        summoned = number_vi(u64::from(q.summoned)),
        en_p = en("people present"),
        present = number_vi(u64::from(q.present)),
        present_pct = percent_vi(u64::from(q.present), u64::from(q.summoned)),
        quorum = if q.met {
            "Số người có mặt đạt từ 2/3 số người được triệu tập trở lên: hội nghị đủ điều kiện tiến hành lấy phiếu."
        } else {
            "Số người có mặt chưa đạt 2/3 số người được triệu tập: hội nghị không đủ điều kiện tiến hành lấy phiếu."
        },
        en_q = en(if q.met {
            "quorum of two thirds met"
        } else {
            "quorum of two thirds not met"
        }),
        en_it = en("slips the committee issued, cancelled ones included"),
        issued_total = number_vi(m.issued_total),
        en_c = en("slips cancelled: torn, lost or misprinted, before use"),
        cancelled = number_vi(m.cancelled),
        en_i = en("ballots issued: slips that may vote"),
        issued = number_vi(r.issued),
        en_r = en("ballots returned: counted"),
        returned = number_vi(r.returned),
        en_u = en("issued, not returned"),
        unused = number_vi(unused),
        en_sg = en("signed ballots, the voter's declared name"),
        signed = number_vi(m.signed),
        en_f = en("ballots not issued by the committee, refused while voting"),
        forged = number_vi(r.refused.forged),
        en_rp = en("repeated ballots with a used slip, refused"),
        repeated = number_vi(r.refused.repeated),
        en_x = en("ballot entries the count left out"),
        excluded = number_vi(r.excluded),
    );

    // The result table of section 6.3.
    let mut rows = String::new();
    for (i, c) in r.candidates.iter().enumerate() {
        let _ = writeln!(
            rows,
            r#"<tr data-candidate="{i}"><td>{tt}</td><td class="m-l">{name}</td><td class="m-l">{position}</td><td>{issued}</td><td>{returned}</td><td>{valid}</td><td>{invalid}</td><td>{hc}</td><td>{hp}</td><td>{cc}</td><td>{cp}</td><td>{lc}</td><td>{lp}</td></tr>"#,
            tt = i + 1,
            name = esc(&c.name),
            position = esc(&c.position),
            issued = number_vi(c.issued),
            returned = number_vi(c.returned),
            valid = number_vi(c.valid),
            invalid = number_vi(c.invalid),
            hc = number_vi(c.high.count),
            hp = percent_vi(c.high.count, c.returned),
            cc = number_vi(c.confidence.count),
            cp = percent_vi(c.confidence.count, c.returned),
            lc = number_vi(c.low.count),
            lp = percent_vi(c.low.count, c.returned),
        );
    }
    let _ = write!(
        h,
        r#"<section class="m-sec">
<h2>III. Kết quả kiểm phiếu{en_h}</h2>
<div class="m-result-wrap">
<table class="m-result">
<colgroup><col class="m-c-tt"><col class="m-c-name"><col class="m-c-pos"><col class="m-c-n"><col class="m-c-n"><col class="m-c-n"><col class="m-c-n"><col class="m-c-k"><col class="m-c-p"><col class="m-c-k"><col class="m-c-p"><col class="m-c-k"><col class="m-c-p"></colgroup>
<thead>
<tr><th rowspan="2">TT</th><th rowspan="2">Họ và tên</th><th rowspan="2">Chức vụ</th><th rowspan="2">Tổng số phiếu phát ra</th><th rowspan="2">Tổng số phiếu thu về</th><th rowspan="2">Số phiếu hợp lệ</th><th rowspan="2">Số phiếu không hợp lệ</th><th colspan="2">Tín nhiệm cao</th><th colspan="2">Tín nhiệm</th><th colspan="2">Tín nhiệm thấp</th></tr>
<tr><th>Số phiếu</th><th>Tỉ lệ</th><th>Số phiếu</th><th>Tỉ lệ</th><th>Số phiếu</th><th>Tỉ lệ</th></tr>
</thead>
<tbody>
{rows}</tbody>
</table>
</div>
<p class="m-note">Tỉ lệ phần trăm tính trên tổng số phiếu thu về. Phiếu không hợp lệ đối với một người: phiếu không đánh dấu mức tín nhiệm nào cho người đó.{en_note}</p>
</section>
"#,
        en_h = en("result of the count, in the form of the plan's section 6.3: name, position, issued, returned, valid, invalid, then each level's count and percentage"),
        en_note = en("percentages of ballots returned; an entry left blank is invalid for that person"),
    );

    // The consequences of 9.2 and 9.3, in words.
    let mut low = String::new();
    for c in &r.candidates {
        let text = match Consequence::of(c.low.count, c.returned) {
            Consequence::None => continue,
            Consequence::Review => "có trên 50% nhưng dưới 2/3 số phiếu tín nhiệm thấp. Cấp có thẩm quyền quản lý cán bộ đưa ra khỏi quy hoạch các chức vụ cao hơn; xem xét cho thôi giữ chức vụ đang đảm nhiệm, bố trí công tác khác hoặc cho từ chức hoặc tiến hành bỏ phiếu tín nhiệm theo quy định.",
            Consequence::Dismissal => "có từ 2/3 số phiếu tín nhiệm thấp trở lên. Cấp có thẩm quyền quản lý cán bộ thực hiện miễn nhiệm chức vụ đang đảm nhiệm và bố trí công tác khác (thấp hơn) mà không chờ đến hết nhiệm kỳ, hết thời hạn bổ nhiệm.",
        };
        let _ = write!(
            low,
            r#"<li data-consequence="{code}"><b>{name}</b>, {position}: {lc}/{ret} phiếu tín nhiệm thấp ({lp}), {text}</li>"#,
            code = c.consequence,
            name = esc(&c.name),
            position = esc(&c.position),
            lc = number_vi(c.low.count),
            ret = number_vi(c.returned),
            lp = percent_vi(c.low.count, c.returned),
        );
    }
    let low = if low.is_empty() {
        format!(
            "<p>Không có người nào có trên 50% số phiếu tín nhiệm thấp.{}</p>",
            en("no one has over half of the ballots at low confidence")
        )
    } else {
        format!(
            "<ul class=\"m-low\">{low}</ul>{}",
            en("over 50% and under 2/3 low: out of planning, reassignment, resignation or a no-confidence vote considered; 2/3 or more low: dismissed and moved to a lower post before the term ends")
        )
    };
    let _ = write!(
        h,
        r#"<section class="m-sec">
<h2>IV. Trường hợp có nhiều phiếu tín nhiệm thấp{en_h}</h2>
{low}
</section>
"#,
        en_h = en("cases of low confidence and what follows"),
    );

    // The election id and the log's head, in words and as QR codes.
    let _ = write!(
        h,
        r#"<section class="m-sec m-verify">
<h2>V. Xác nhận nhật ký điện tử{en_h}</h2>
<div class="m-codes">
<figure class="m-qr"><figcaption>Mã cuộc lấy phiếu</figcaption>{id_qr}<p class="m-hash" data-id="{id}">{id}</p></figure>
<figure class="m-qr"><figcaption>Mã băm cuối của nhật ký ({entries} dòng)</figcaption>{head_qr}<p class="m-hash" data-head="{head}">{head_words}</p></figure>
</div>
<p>Để kiểm tra, mở trang «Kiểm tra nhật ký» tại địa chỉ <b>/inspector</b> của máy chủ cuộc lấy phiếu, nhập mã cuộc lấy phiếu ở trên (hoặc quét mã QR bên trái) rồi bấm «Tải từ máy chủ và kiểm tra»: trang phải báo nhật ký hợp lệ, cùng bảng kết quả này và mã băm cuối trùng với mã băm in trên biên bản.{en_how}</p>
</section>
"#,
        en_h = en("the electronic log"),
        id = esc(&e.id),
        id_qr = qr_svg(&e.id, 120),
        entries = number_vi(m.entries),
        head = esc(&r.log_head),
        head_words = esc(&grouped(&r.log_head)),
        head_qr = qr_svg(&r.log_head, 120),
        en_how = en("To check: open the Inspect a log page at /inspector on the vote's server, enter the vote id above (or scan its QR code), press Download from the server and verify; the page must say the log holds, show this table, and its head hash must equal the one printed here."),
    );

    // The leader's dossier line 0 commits (R12): each document's name,
    // size and SHA-256, so that a file kept with the minutes can be
    // compared with `sha256sum`.
    if let Some(docs) = e.dossier.as_deref().filter(|d| !d.is_empty()) {
        let mut items = String::new();
        for (i, d) in docs.iter().enumerate() {
            let sha = tinnhiem_core::encoding::hex(&d.sha256.0);
            let _ = writeln!(
                items,
                r#"<li data-dossier="{i}"><b>{name}</b> ({bytes} byte)<br><span class="m-hash" data-sha256="{sha}">SHA-256: {words}</span></li>"#,
                name = esc(&d.name),
                bytes = number_vi(d.bytes),
                words = grouped(&sha),
            );
        }
        let _ = write!(
            h,
            r#"<section class="m-sec m-dossier">
<p>Hồ sơ của người được lấy phiếu (báo cáo tự kiểm điểm, giải trình), mã SHA-256 của từng tệp được cam kết trong dòng 0 của nhật ký:{en_h}</p>
<ol>
{items}</ol>
</section>
"#,
            en_h = en("the leader's dossier, each file's SHA-256 committed in line 0 of the log"),
        );
    }

    // The copies and the signatures.
    let mut signs = String::new();
    for i in 0..n {
        let (role, name) = member_role(&e.trustees, i);
        let _ = writeln!(
            signs,
            r#"<div class="m-sign" data-member="{i}"><p class="m-role">{role}</p><p class="m-how">(ký, ghi rõ họ tên)</p><p class="m-name">{name}</p></div>"#,
            role = role.to_uppercase(),
            name = if name.is_empty() {
                "&nbsp;".to_owned()
            } else {
                esc(&name)
            },
        );
    }
    let _ = write!(
        h,
        r#"<section class="m-sec m-end">
<p>Biên bản kết thúc hồi {BLANK} giờ {BLANK} phút cùng ngày, được lập thành 03 bản: 02 bản gửi cấp trên trực tiếp, 01 bản lưu cùng nhật ký kiểm phiếu tại đơn vị; quản lý theo chế độ mật.{en_copies}</p>
</section>
<section class="m-signs">
<p class="m-signs-h">BAN KIỂM PHIẾU</p>
<div class="m-grid">
{signs}</div>
<div class="m-grid m-grid-sup">
<div class="m-sign m-sup"><p class="m-role">ĐẠI DIỆN CẤP TRÊN GIÁM SÁT</p><p class="m-how">(ký, ghi rõ họ tên)</p><p class="m-name">&nbsp;</p></div>
</div>
</section>
"#,
        en_copies = en("made in 03 copies: 02 for the direct superior, 01 kept with the log at the unit; confidential"),
    );

    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Biên bản kiểm phiếu — {title}</title>
<style>{css}</style>
</head>
<body class="c-minutes">
<label class="m-screen m-toggle"><input type="checkbox" id="m-en"><span>Hiện tiếng Anh bên cạnh <span lang="en">(show English beside; never printed)</span></span></label>
<main class="m-doc" data-header="{header}">
{h}</main>
</body>
</html>
"#,
        title = esc(&e.title),
        css = MINUTES_CSS,
        header = match header {
            Header::Party => "party",
            Header::State => "state",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tinnhiem_core::ballot::Level;
    use tinnhiem_core::log::Candidate;
    use tinnhiem_tally::sim::{Meeting, Setup, Threshold};

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

    fn setup(unit: &str, trustees: &[&str], candidates: &[(&str, &str)], summoned: u32) -> Setup {
        Setup {
            id: None,
            title: "Lấy phiếu tín nhiệm năm 2026".into(),
            unit: unit.into(),
            date: "2026-02-05".into(),
            candidates: candidates
                .iter()
                .map(|(name, position)| Candidate {
                    name: (*name).into(),
                    position: (*position).into(),
                    person: None,
                })
                .collect(),
            summoned,
            trustees: trustees.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A 2-of-3 meeting of 7 present out of 9: seven slips, one lost and
    /// cancelled and replaced, six ballots (one signed) counted, the lost
    /// slip's ballot forced into the log and left out (also signed: it is
    /// not a counted signed ballot); members 0 and 2 decrypt.
    fn meeting() -> Meeting {
        let mut rng = rand::rngs::OsRng;
        let s = setup(
            "Sở Y tế tỉnh Nam Định",
            &["Nguyễn Văn Chủ", "Trần Thị Hai", "Lê Văn Ba"],
            &[
                ("Phạm Văn Một", "Giám đốc"),
                ("Hoàng Thị Hai", "Phó Giám đốc"),
            ],
            9,
        );
        let mut m = Meeting::create_threshold(
            s,
            Threshold {
                t: 2,
                bad_dealer: None,
            },
            &mut rng,
        )
        .expect("create");
        m.record_quorum(7, &mut rng).unwrap();
        let mut creds = m.issue_credentials(6, &mut rng).unwrap();
        m.cancel_credentials(&[&creds[5]], &mut rng).unwrap();
        let lost = creds.pop().unwrap();
        creds.extend(m.issue_credentials(2, &mut rng).unwrap());
        m.open(&mut rng).unwrap();
        // Phạm Văn Một: 3 high, 2 confidence, 1 blank; Hoàng Thị Hai: 4
        // low of 6 (66,67%: 9.3).
        let marks: [[Option<Level>; 2]; 6] = [
            [Some(Level::High), Some(Level::Low)],
            [Some(Level::High), Some(Level::Low)],
            [Some(Level::High), Some(Level::Low)],
            [Some(Level::Confidence), Some(Level::Low)],
            [Some(Level::Confidence), Some(Level::High)],
            [None, Some(Level::Confidence)],
        ];
        for (i, (c, marks)) in creds.iter().zip(marks).enumerate() {
            let signed = (i == 2).then(|| "Đỗ Văn Ký".to_owned());
            let b = m.fill(c, &marks, signed, &mut rng);
            m.submit(b, &mut rng).expect("counted");
        }
        let b = m.fill(
            &lost,
            &[Some(Level::Low), Some(Level::Low)],
            Some("Người nhặt được".into()),
            &mut rng,
        );
        m.force(Payload::Ballot(b), &mut rng);
        m.close(&mut rng).unwrap();
        m.decrypt_by(&[0, 2], &mut rng).unwrap();
        m
    }

    /// The text a printer prints: without the screen-only toggle and the
    /// English gloss.
    fn printed(html: &str) -> String {
        let mut out = String::new();
        let mut rest = &html[html.find("<body").expect("a body")..];
        while let Some(i) = rest.find(r#"<span class="en" lang="en">"#) {
            out.push_str(&rest[..i]);
            let after = &rest[i..];
            rest = &after[after.find("</span>").expect("closed") + "</span>".len()..];
        }
        out.push_str(rest);
        let (a, b) = out
            .split_once(r#"<label class="m-screen m-toggle">"#)
            .expect("the toggle");
        let html = format!("{a}{}", b.split_once("</label>").expect("closed").1);
        // The text, without the tags.
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        text
    }

    #[test]
    fn minutes_count_slips_issued_cancelled_returned_and_signed_ballots_from_the_log() {
        let m = meeting();
        let facts = Minutes::from_log(&m.log_bytes()).expect("the log verifies");
        assert_eq!(facts.issued_total, 8);
        assert_eq!(facts.cancelled, 1);
        assert_eq!(facts.result.issued, 7);
        assert_eq!(facts.result.returned, 6);
        assert_eq!(facts.result.excluded, 1);
        assert_eq!(facts.signed, 1, "the left-out signed ballot is not counted");
        assert_eq!(facts.committee.decrypted_by, vec![0, 2]);
        let html = render(&facts);
        for (what, n) in [
            ("summoned", "9"),
            ("present", "7 (77,78%)"),
            ("issued_total", "8"),
            ("cancelled", "1"),
            ("issued", "<b>7</b>"),
            ("returned", "<b>6</b>"),
            ("unused", "1"),
            ("signed", "1"),
            ("forged", "0"),
            ("excluded", "1"),
        ] {
            assert!(
                html.contains(&format!(r#"data-count="{what}">{n}</td>"#)),
                "{what} = {n}"
            );
        }
        // The table of 6.3, Vietnamese numbers; 4 low of 6 is 9.3 in words.
        assert!(html.contains(
            "<td>1</td><td class=\"m-l\">Phạm Văn Một</td><td class=\"m-l\">Giám đốc</td>\
             <td>7</td><td>6</td><td>5</td><td>1</td><td>3</td><td>50,00%</td><td>2</td>\
             <td>33,33%</td><td>0</td><td>0,00%</td>"
        ));
        assert!(html.contains("<li data-consequence=\"9.3\"><b>Hoàng Thị Hai</b>, Phó Giám đốc: 4/6 phiếu tín nhiệm thấp (66,67%), có từ 2/3 số phiếu tín nhiệm thấp trở lên. Cấp có thẩm quyền quản lý cán bộ thực hiện miễn nhiệm"));
        assert!(!html.contains("data-consequence=\"9.2\""));
        // The committee, its roles, who decrypted, and a signature block each.
        assert!(html.contains("<li data-member=\"0\">Nguyễn Văn Chủ — Trưởng ban</li>"));
        assert!(html.contains("<li data-member=\"1\">Trần Thị Hai — Thành viên</li>"));
        assert!(html.contains("cần ít nhất 2 trong 3 thành viên cùng giải mã"));
        assert!(html.contains("Các thành viên đã giải mã: <b>Nguyễn Văn Chủ, Lê Văn Ba</b>."));
        for name in ["Nguyễn Văn Chủ", "Trần Thị Hai", "Lê Văn Ba"] {
            assert!(html.contains(&format!(
                "<p class=\"m-how\">(ký, ghi rõ họ tên)</p><p class=\"m-name\">{name}</p>"
            )));
        }
        assert_eq!(html.matches("(ký, ghi rõ họ tên)").count(), 4);
        assert!(html.contains("ĐẠI DIỆN CẤP TRÊN GIÁM SÁT"));
        assert!(!html.to_lowercase().contains("thanh tra"));
        // The id and the head, in words and as QR codes, with the way to
        // check them.
        assert!(html.contains(&format!("data-id=\"{0}\">{0}</p>", m.id)));
        assert!(html.contains(&format!("data-head=\"{}\"", facts.result.log_head)));
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(html.contains("/inspector"));
        // The document's fixed parts.
        for part in [
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "SỞ Y TẾ TỈNH NAM ĐỊNH",
            "<b>MẬT</b>",
            "BIÊN BẢN KIỂM PHIẾU",
            "ngày 05 tháng 02 năm 2026",
            "được lập thành 03 bản",
        ] {
            assert!(html.contains(part), "{part}");
        }
    }

    #[test]
    fn the_minutes_list_the_dossier_line_0_commits_with_each_sha256() {
        use tinnhiem_core::log::{DossierDocument, Hex};
        let m = meeting();
        let mut facts = Minutes::from_log(&m.log_bytes()).expect("the log verifies");
        assert!(facts.election.dossier.is_none());
        assert!(
            !render(&facts).contains("<li data-dossier="),
            "no dossier, no list"
        );
        let docs = vec![
            DossierDocument {
                name: "Báo cáo <tự kiểm điểm>.pdf".into(),
                sha256: Hex([0xab; 32]),
                bytes: 1_234_567,
            },
            DossierDocument {
                name: "giai-trinh.pdf".into(),
                sha256: Hex([0x01; 32]),
                bytes: 26,
            },
        ];
        facts.election.dossier = Some(docs);
        let html = render(&facts);
        assert!(html.contains(
            "<li data-dossier=\"0\"><b>Báo cáo &lt;tự kiểm điểm&gt;.pdf</b> (1.234.567 byte)<br>\
             <span class=\"m-hash\" data-sha256=\"abababababababababababababababababababababababababababababababab\">\
             SHA-256: abababab abababab abababab abababab abababab abababab abababab abababab</span></li>"
        ));
        assert!(html.contains("<li data-dossier=\"1\"><b>giai-trinh.pdf</b> (26 byte)"));
        let printed = printed(&html);
        assert!(
            printed.contains("Hồ sơ của người được lấy phiếu (báo cáo tự kiểm điểm, giải trình)")
        );
        assert!(!printed.contains("dossier"), "no English on paper");
    }

    #[test]
    fn printed_minutes_have_no_english_and_no_rule_codes() {
        let html = render(&Minutes::from_log(&meeting().log_bytes()).unwrap());
        let text = printed(&html);
        // Every English gloss is in a screen-only span, and there is one.
        assert!(html.contains(r#"<span class="en" lang="en">"#));
        for word in [
            "ballot",
            "committee",
            "minutes",
            "members",
            "issued",
            "returned",
            "signed",
            "confidence",
            "verify",
            "decrypt",
            "English",
        ] {
            assert!(!text.contains(word), "{word:?} is printed");
        }
        let codes: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| {
                w.len() >= 2 && w.starts_with('R') && w[1..].chars().all(|c| c.is_ascii_digit())
            })
            .collect();
        assert!(codes.is_empty(), "rule codes printed: {codes:?}");
        assert!(!text.contains("50.00") && !text.contains("R10"));
    }

    #[test]
    fn a_party_body_heads_its_minutes_with_the_party_and_others_with_the_motto() {
        for unit in [
            "Đảng uỷ Sở Y tế",
            "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
            "Chi bộ Phòng Tổ chức Cán bộ",
            "Ban Thường vụ Huyện uỷ Xuân Trường",
            "Ban cán sự đảng UBND tỉnh",
            // NFD, as some keyboards write it.
            "Ða\u{309}ng bo\u{323} Bệnh viện",
        ] {
            assert_eq!(Header::of(unit), Header::Party, "{unit}");
        }
        for unit in [
            "Sở Y tế tỉnh Nam Định",
            "Uỷ ban nhân dân huyện Hải Hậu",
            "Bệnh viện Đa khoa tỉnh",
            "Trung tâm Kiểm soát bệnh tật (đang sáp nhập)",
        ] {
            assert_eq!(Header::of(unit), Header::State, "{unit}");
        }
        let mut rng = rand::rngs::OsRng;
        let mut m = Meeting::create(
            setup(
                "Đảng uỷ Sở Y tế",
                &["Trưởng ban: Lê Thị Mai"],
                &[("A", "B")],
                3,
            ),
            &mut rng,
        )
        .unwrap();
        m.record_quorum(3, &mut rng).unwrap();
        let creds = m.issue_credentials(1, &mut rng).unwrap();
        m.open(&mut rng).unwrap();
        let b = m.fill(&creds[0], &[Some(Level::High)], None, &mut rng);
        m.submit(b, &mut rng).unwrap();
        m.close(&mut rng).unwrap();
        m.decrypt(&mut rng).unwrap();
        let html = minutes_html(&m.log_bytes()).unwrap();
        assert!(html.contains("<b class=\"m-u\">ĐẢNG CỘNG SẢN VIỆT NAM</b>"));
        assert!(!html.contains("CỘNG HOÀ XÃ HỘI"));
        assert!(html.contains("ĐẢNG UỶ SỞ Y TẾ"));
        assert!(html.contains("cần cả 1 thành viên cùng giải mã"));
        assert!(html.contains("<li data-member=\"0\">Lê Thị Mai — Trưởng ban</li>"));
    }

    #[test]
    fn member_roles_come_from_the_names_or_else_the_order() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let plain = names(&["Nguyễn Văn A", "Trần Thị B", "Lê Văn C"]);
        assert_eq!(
            member_role(&plain, 0),
            ("Trưởng ban", "Nguyễn Văn A".into())
        );
        assert_eq!(member_role(&plain, 2), ("Thành viên", "Lê Văn C".into()));
        let stated = names(&[
            "Nguyễn Văn A - Thư ký",
            "Trưởng ban: Trần Thị B",
            "Lê Văn C (uỷ viên)",
            "Phó trưởng ban, Đỗ D",
            "Thành viên",
        ]);
        assert_eq!(member_role(&stated, 0), ("Thư ký", "Nguyễn Văn A".into()));
        assert_eq!(member_role(&stated, 1), ("Trưởng ban", "Trần Thị B".into()));
        assert_eq!(member_role(&stated, 2), ("Uỷ viên", "Lê Văn C".into()));
        assert_eq!(member_role(&stated, 3), ("Phó Trưởng ban", "Đỗ D".into()));
        assert_eq!(member_role(&stated, 4), ("Thành viên", String::new()));
        // Another member named as the chair: the first is then a member.
        let chair_later = names(&["Nguyễn Văn A", "Trần Thị B (Trưởng ban)"]);
        assert_eq!(
            member_role(&chair_later, 0),
            ("Thành viên", "Nguyễn Văn A".into())
        );
        // A name that merely contains a role word is a name.
        let odd = names(&["Thư Kỳ Anh"]);
        assert_eq!(member_role(&odd, 0), ("Trưởng ban", "Thư Kỳ Anh".into()));
    }

    #[test]
    fn numbers_percentages_and_dates_are_written_the_vietnamese_way() {
        assert_eq!(number_vi(0), "0");
        assert_eq!(number_vi(999), "999");
        assert_eq!(number_vi(1234), "1.234");
        assert_eq!(number_vi(1_234_567), "1.234.567");
        assert_eq!(percent_vi(1, 2), "50,00%");
        assert_eq!(percent_vi(1, 3), "33,33%");
        assert_eq!(percent_vi(2, 3), "66,67%");
        assert_eq!(percent_vi(3, 3), "100,00%");
        assert_eq!(percent_vi(0, 0), "0,00%");
        assert_eq!(date_vi("2026-11-28"), "ngày 28 tháng 11 năm 2026");
        assert_eq!(date_vi("2026-02-05"), "ngày 05 tháng 02 năm 2026");
        assert_eq!(date_vi("2026-03-09"), "ngày 09 tháng 3 năm 2026");
    }

    #[test]
    fn minutes_refuse_a_log_that_does_not_verify_or_has_no_result() {
        let m = meeting();
        let mut log = m.log_bytes();
        // A changed byte in the last line (the result).
        let at = log.len() - 10;
        log[at] ^= 1;
        assert!(matches!(
            minutes_html(&log),
            Err(MinutesError::Log(VerifyError { seq, .. })) if seq == m.lines.len() as u64 - 1
        ));
        // Without the result line.
        let whole = m.log_bytes();
        let lines = split_lines(&whole);
        let short: Vec<u8> = lines[..lines.len() - 1]
            .iter()
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect();
        assert!(matches!(minutes_html(&short), Err(MinutesError::Log(_))));
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
        // Every rule of the sheet is the minutes' own (the console imports
        // it into its pages).
        for line in MINUTES_CSS.lines() {
            let l = line.trim();
            if l.is_empty() || l.starts_with("/*") || !l.contains('{') || l.starts_with('@') {
                continue;
            }
            assert!(l.contains("c-minutes"), "a rule outside the minutes: {l}");
        }
    }
}
