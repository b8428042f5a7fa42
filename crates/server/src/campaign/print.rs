//! The consolidated campaign as an office sends it upward: the printable
//! report (HTML to print on A4) and the table for the office's spreadsheet
//! (CSV). One implementation for `tinnhiem campaign report --html/--csv`
//! and for the campaign page's downloads (`GET
//! /api/campaigns/{id}/report.html`, `report.csv`), so that both give the
//! same columns and words.

use std::fmt::Write as _;

use tinnhiem_core::calendar::Date;
use tinnhiem_tally::campaign::{self, Campaign, Person, Place, MAX_PLACES};
use tinnhiem_tally::LevelCount;

use crate::html::esc;
use crate::minutes::consequence_vi;

/// A count and its percentage as Vietnamese writes it: `13 (65,00%)`.
pub fn level(l: &LevelCount) -> String {
    format!("{} ({})", l.count, crate::minutes::percent_vi_of(l.percent))
}

/// The rows of one leader's places, a column per place.
pub fn place_rows(c: &Campaign, places: &[Place]) -> Vec<(&'static str, Vec<String>)> {
    let col = |f: &dyn Fn(&Place) -> String| places.iter().map(f).collect::<Vec<_>>();
    vec![
        ("Đơn vị (unit)", col(&|p| p.unit.clone())),
        (
            "Hội nghị (meeting)",
            col(&|p| c.elections[p.meeting].id.clone()),
        ),
        (
            "Ngày họp (date)",
            col(&|p| c.elections[p.meeting].date.clone()),
        ),
        ("Chức vụ (position)", col(&|p| p.position.clone())),
        (
            "Phát ra / thu vào (issued / returned)",
            col(&|p| format!("{} / {}", p.issued, p.returned)),
        ),
        (
            "Hợp lệ / không hợp lệ (valid / invalid)",
            col(&|p| format!("{} / {}", p.valid, p.invalid)),
        ),
        ("Tín nhiệm cao (high)", col(&|p| level(&p.high))),
        ("Tín nhiệm (confidence)", col(&|p| level(&p.confidence))),
        ("Tín nhiệm thấp (low)", col(&|p| level(&p.low))),
        (
            "Hệ quả R7 (consequence)",
            col(&|p| consequence_vi(&p.consequence).to_owned()),
        ),
    ]
}

/// Against the campaign's deadline: a meeting held after it is late; one
/// whose own report deadline runs past it may report late.
pub fn lateness(e: &campaign::ElectionRow, deadline: Option<Date>) -> Option<&'static str> {
    let deadline = deadline?;
    let date = Date::parse(&e.date)?;
    if date > deadline {
        return Some("TRỄ HẠN: họp sau hạn của đợt (late: met after the campaign's deadline)");
    }
    let due = Date::parse(e.report_due.as_deref()?)?;
    (due > deadline)
        .then_some("hạn báo cáo R12 sau hạn của đợt (its R12 deadline is after the campaign's)")
}

/// How a meeting's result reached the superior body, as the server that
/// received it knows (its `MeetingStatus`): the day, and whether that was
/// after the meeting's 7 working days (R12) or the campaign's deadline.
/// The command line has no such day (a log carries no time of sending)
/// and judges by the meeting's date ([`lateness`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The day the result reached the superior body, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// Received after the meeting's report deadline or the campaign's.
    pub late: bool,
    /// Why it is late, Vietnamese then English.
    pub note: Option<String>,
}

/// The status column's cell and whether it is marked late: by the day the
/// result was received when the server knows it (`received`), else by the
/// meeting's date against the campaign's deadline.
fn status_cell(
    e: &campaign::ElectionRow,
    deadline: Option<Date>,
    received: Option<&Received>,
) -> (bool, String) {
    if let Some(r) = received {
        let day = r.day.as_deref().unwrap_or("—");
        return if r.late {
            (
                true,
                format!(
                    "TRỄ HẠN: {}",
                    esc(r.note.as_deref().unwrap_or("nhận sau hạn (received late)"))
                ),
            )
        } else {
            (
                false,
                format!(
                    "Đúng hạn, nhận ngày {d} <span class=\"en\">(on time, received {d})</span>",
                    d = esc(day)
                ),
            )
        };
    }
    let late = lateness(e, deadline);
    let text = match (deadline, late) {
        (None, _) => "—".to_owned(),
        (Some(_), None) => "Đúng hạn <span class=\"en\">(on time)</span>".to_owned(),
        (Some(_), Some(l)) => esc(l),
    };
    (late.is_some(), text)
}

/// The consequence in words, Vietnamese then English (R7; plan 9.2, 9.3).
pub fn consequence_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "9.2" => (
            "Trên 50% đến dưới 2/3 tín nhiệm thấp: đưa ra khỏi quy hoạch chức vụ cao hơn; xem xét cho thôi giữ chức vụ, \
             bố trí công tác khác, cho từ chức hoặc bỏ phiếu tín nhiệm (mục 9.2)",
            "over half and under two thirds low: removed from planning for higher posts; reassignment, resignation or a \
             no-confidence vote considered",
        ),
        "9.3" => (
            "Từ 2/3 trở lên tín nhiệm thấp: miễn nhiệm chức vụ đang đảm nhiệm, bố trí công tác khác thấp hơn, \
             không chờ hết nhiệm kỳ (mục 9.3)",
            "two thirds or more low: dismissed and moved to a lower post without waiting for the term to end",
        ),
        _ => ("Không", "none"),
    }
}

/// The report's only style sheet: A4, the type and layout of an office's
/// report.
pub const CSS: &str = "\
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }\n\
body { font-family: \"Times New Roman\", serif; font-size: 13pt; color: #000; max-width: 60rem; margin: 1rem auto; }\n\
.head { display: flex; justify-content: space-between; text-align: center; }\n\
.head div { width: 48%; }\n\
h1 { text-align: center; font-size: 15pt; margin: 1.5rem 0 0.2rem; }\n\
h2 { font-size: 13pt; margin-top: 1.2rem; }\n\
.en { font-style: italic; font-size: 10pt; font-weight: normal; }\n\
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; page-break-inside: auto; }\n\
tr { page-break-inside: avoid; }\n\
th, td { border: 1px solid #000; padding: 0.2rem 0.3rem; vertical-align: top; }\n\
td.n { text-align: right; white-space: nowrap; }\n\
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }\n\
.late { font-weight: bold; }\n\
.sign { display: flex; justify-content: space-between; margin-top: 2rem; }\n\
.sign div { width: 45%; text-align: center; }\n\
";

/// The Content-Security-Policy of the printable report as the server
/// serves it: nothing but its own inline style sheet ([`CSS`], allowed by
/// its hash).
pub fn report_csp() -> String {
    use sha2::{Digest, Sha256};
    format!(
        "default-src 'none'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
        crate::minutes::base64(&Sha256::digest(CSS.as_bytes()))
    )
}

/// The printable consolidated report (HTML to print on A4), in the form an
/// office sends upward: heading, the units and their meetings, the results
/// of every leader and place with the consequences in words, the leaders
/// rated in two places, R8 violations, and the units late: by the day each
/// result was received (`received`, by election id: the server's report)
/// or, without it (the command line's), by the meeting's date against
/// `deadline`.
pub fn html(
    c: &Campaign,
    office: &str,
    deadline: Option<Date>,
    received: Option<&std::collections::BTreeMap<String, Received>>,
) -> String {
    let mut units = String::new();
    for (i, e) in c.elections.iter().enumerate() {
        let (late, status) = status_cell(e, deadline, received.and_then(|r| r.get(&e.id)));
        let _ = writeln!(
            units,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td{}>{}</td><td class=\"hash\">{}<br>{}</td></tr>",
            i + 1,
            esc(&e.unit),
            esc(&e.title),
            esc(&e.date),
            esc(e.report_due.as_deref().unwrap_or("—")),
            if late { " class=\"late\"" } else { "" },
            status,
            esc(&e.log),
            esc(&e.log_head),
        );
    }
    let mut rows = String::new();
    let mut n = 0;
    for p in &c.people {
        for (k, pl) in p.places.iter().enumerate() {
            n += 1;
            let (vi, en) = consequence_words(&pl.consequence);
            let who = if k == 0 {
                format!(
                    "<td rowspan=\"{}\">{}<br><span class=\"en\">{}</span></td>",
                    p.places.len(),
                    esc(&p.name),
                    esc(p.person.as_deref().unwrap_or("chưa có mã (no code)"))
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                rows,
                "<tr><td class=\"n\">{n}</td>{who}<td>{}<br><span class=\"en\">{} · {}</span></td><td>{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}<br><span class=\"en\">{}</span></td></tr>",
                esc(&pl.unit),
                esc(&c.elections[pl.meeting].date),
                esc(&pl.election),
                esc(&pl.position),
                pl.issued,
                pl.returned,
                pl.valid,
                esc(&level(&pl.high)),
                esc(&level(&pl.confidence)),
                esc(&level(&pl.low)),
                esc(vi),
                esc(en),
            );
        }
    }
    let two: Vec<String> = c
        .people
        .iter()
        .filter(|p| p.places.len() == MAX_PLACES)
        .map(|p| two_places(c, p))
        .collect();
    let violations: Vec<String> = c
        .violations
        .iter()
        .map(|v| {
            format!(
                "<li>Cán bộ mã <b>{}</b> được lấy phiếu ở <b>{}</b> nơi, quá 2 nơi theo quy định (R8) \
                 <span class=\"en\">(rated in {} places; at most two)</span></li>",
                esc(&v.person),
                v.places,
                v.places
            )
        })
        .collect();
    let deadline_text = deadline.map_or_else(String::new, |d| if received.is_some() {
        format!(
            "<p>Hạn báo cáo của đợt <span class=\"en\">(the campaign's deadline)</span>: <b>{d}</b>. \
             Tình trạng theo ngày cơ quan tổng hợp nhận kết quả của từng hội nghị, so với hạn 7 ngày làm việc sau hội nghị (R12) và hạn của đợt. \
             <span class=\"en\">Each meeting's status is judged by the day its result was received, against its 7 working days (R12) and the campaign's deadline.</span></p>"
        )
    } else {
        format!(
            "<p>Hạn báo cáo của đợt <span class=\"en\">(the campaign's deadline)</span>: <b>{d}</b>. \
             Đơn vị họp sau hạn này là trễ hạn; đơn vị có hạn 7 ngày làm việc (R12) sau hạn này được ghi chú. \
             <span class=\"en\">A unit that met after it is late; one whose 7-working-day deadline runs past it is noted.</span></p>"
        )
    });
    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Báo cáo tổng hợp kết quả lấy phiếu tín nhiệm</title>
<style>{css}</style>
</head>
<body>
<div class="head"><div><b>{office}</b></div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><u>Độc lập - Tự do - Hạnh phúc</u></div></div>
<p><b>MẬT</b> <span class="en">(confidential: results go only to those R11 names)</span></p>
<h1>BÁO CÁO TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM<br><span class="en">Consolidated report of the confidence votes</span></h1>
<p>Tổng hợp từ nhật ký của {meetings} hội nghị; mọi nhật ký đã được kiểm tra độc lập và hợp lệ (chuỗi băm, chữ ký, chứng minh, giải mã và kết quả).
<span class="en">Consolidated from the logs of {meetings} meetings, each verified independently.</span></p>
<h2>I. Các đơn vị và hội nghị <span class="en">(units and meetings)</span></h2>
{deadline_text}
<table>
<thead><tr><th>TT</th><th>Đơn vị <span class="en">(unit)</span></th><th>Hội nghị <span class="en">(meeting)</span></th><th>Ngày họp <span class="en">(date)</span></th>
<th>Hạn báo cáo <span class="en">(due, 7 working days, R12)</span></th><th>Tình trạng <span class="en">(status)</span></th><th>Nhật ký, mã băm cuối <span class="en">(log, head)</span></th></tr></thead>
<tbody>
{units}</tbody>
</table>
<h2>II. Kết quả lấy phiếu <span class="en">(results per leader and place; percentages of ballots returned, R6)</span></h2>
<table>
<thead><tr><th>TT</th><th>Họ và tên, mã cán bộ <span class="en">(name, code)</span></th><th>Đơn vị <span class="en">(unit)</span></th><th>Chức vụ <span class="en">(position)</span></th>
<th>Phát ra <span class="en">(issued)</span></th><th>Thu vào <span class="en">(returned)</span></th><th>Hợp lệ <span class="en">(valid)</span></th><th>Tín nhiệm cao <span class="en">(high)</span></th><th>Tín nhiệm <span class="en">(confidence)</span></th><th>Tín nhiệm thấp <span class="en">(low)</span></th><th>Hệ quả <span class="en">(consequence, R7)</span></th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<h2>III. Cán bộ được lấy phiếu ở 2 nơi <span class="en">(leaders rated in two places, judged on both together, 9.4)</span></h2>
{two}
<h2>IV. Vi phạm quy định lấy phiếu tối đa 2 nơi <span class="en">(R8 violations)</span></h2>
{violations}
<div class="sign"><div><i>Nơi nhận:</i><br>- Như trên;<br>- Lưu.</div><div><b>NGƯỜI LẬP BÁO CÁO</b><br><span class="en">(prepared by)</span></div></div>
</body>
</html>
"#,
        css = CSS,
        office = esc(office),
        meetings = c.elections.len(),
        two = if two.is_empty() {
            "<p>Không có <span class=\"en\">(none)</span>.</p>".to_owned()
        } else {
            two.join("\n")
        },
        violations = if violations.is_empty() {
            "<p>Không có <span class=\"en\">(none)</span>.</p>".to_owned()
        } else {
            format!("<ul>{}</ul>", violations.join(""))
        },
    )
}

/// One leader's two places side by side.
fn two_places(c: &Campaign, p: &Person) -> String {
    let rows = place_rows(c, &p.places);
    let mut t = format!(
        "<table><thead><tr><th>{} <span class=\"en\">{}</span></th>",
        esc(&p.name),
        esc(p.person.as_deref().unwrap_or(""))
    );
    for k in 1..=p.places.len() {
        let _ = write!(t, "<th>Nơi {k} <span class=\"en\">(place {k})</span></th>");
    }
    t.push_str("</tr></thead><tbody>");
    for (label, values) in rows {
        let _ = write!(t, "<tr><td>{}</td>", esc(label));
        for v in values {
            let _ = write!(t, "<td>{}</td>", esc(&v));
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
/// break. Text from the logs that a spreadsheet would read as a formula
/// (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`, so that a name in a log cannot run in the office's
/// spreadsheet.
fn csv_text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The table for the office's spreadsheet: UTF-8 with a byte-order mark (so
/// that Excel reads the Vietnamese letters), CRLF line ends, one row per
/// leader and place. Counts are integers; percentages are numbers with a
/// decimal point and two decimals.
pub fn csv(c: &Campaign) -> Vec<u8> {
    let mut s = String::from('\u{feff}');
    s.push_str(
        "Mã cán bộ (person),Họ và tên (name),Số nơi (places),Đơn vị (unit),Hội nghị (election),Ngày họp (date),\
         Hạn báo cáo (report_due),Chức vụ (position),Phát ra (issued),Thu vào (returned),Hợp lệ (valid),\
         Không hợp lệ (invalid),Tín nhiệm cao (high),% cao,Tín nhiệm (confidence),% tín nhiệm,\
         Tín nhiệm thấp (low),% thấp,Hệ quả (consequence),Hệ quả bằng lời (in words),Nhật ký (log),\
         Mã băm cuối (log_head)\r\n",
    );
    for p in &c.people {
        for pl in &p.places {
            let e = &c.elections[pl.meeting];
            let fields = [
                csv_text(p.person.as_deref().unwrap_or("")),
                csv_text(&p.name),
                p.places.len().to_string(),
                csv_text(&pl.unit),
                csv_text(&pl.election),
                csv_text(&e.date),
                csv_text(e.report_due.as_deref().unwrap_or("")),
                csv_text(&pl.position),
                pl.issued.to_string(),
                pl.returned.to_string(),
                pl.valid.to_string(),
                pl.invalid.to_string(),
                pl.high.count.to_string(),
                format!("{:.2}", pl.high.percent),
                pl.confidence.count.to_string(),
                format!("{:.2}", pl.confidence.percent),
                pl.low.count.to_string(),
                format!("{:.2}", pl.low.percent),
                csv_text(&pl.consequence),
                csv_text(consequence_words(&pl.consequence).0),
                csv_text(&e.log),
                csv_text(&e.log_head),
            ];
            s.push_str(&fields.join(","));
            s.push_str("\r\n");
        }
    }
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_from_a_log_cannot_become_a_spreadsheet_formula() {
        assert_eq!(csv_text("Nguyễn Văn A"), "Nguyễn Văn A");
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_text("+1"), "'+1");
        assert_eq!(csv_text("-1"), "'-1");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("a, b"), "\"a, b\"");
        assert_eq!(csv_text("dòng\nhai"), "\"dòng\nhai\"");
    }

    #[test]
    fn consequences_in_words_follow_r7_codes() {
        assert_eq!(consequence_words("none").0, "Không");
        assert!(consequence_words("9.2").0.contains("mục 9.2"));
        assert!(consequence_words("9.3").0.contains("mục 9.3"));
    }
}
