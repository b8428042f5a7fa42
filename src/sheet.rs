//! The printable credential sheet (R3): one slip per credential, each with a
//! QR code of the voter URL `{base}/v/{election_id}#{credential}.{check}` and
//! the same text printed under it for a voter without a camera. The
//! credential sits in the URL fragment, which browsers never send to a
//! server; `check` is the election check (docs/PROTOCOL.md §5.10), computed
//! from the log the committee member verified, with which the phone refuses
//! an election the server substituted.
//!
//! The sheet is made where the committee prints it (this CLI, or the
//! committee's browser) and is never sent to or stored on the server.
//!
//! Each slip carries its number, "№ n": the position of its public
//! credential among every credential the election's log publishes, counted
//! from 1 in log order (a second sheet goes on from the first, cancelled
//! slips keep their numbers). So the committee names a torn or lost slip by
//! its number alone, and `tinnhiem committee cancel --numbers` finds its
//! public credential in the public log (docs/INTERFACES.md).

use std::fmt::Write as _;

use zeroize::Zeroizing;

use tinnhiem_server::html::{esc, qr_svg};

/// The voter URL of a credential, with the election check after it.
pub fn voter_url(
    base: &str,
    election_id: &str,
    credential: &str,
    check: &str,
) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "{}/v/{election_id}#{credential}.{check}",
        base.trim_end_matches('/')
    ))
}

/// The sheet: `credentials` are the texts of the credentials to print,
/// numbered from `first` (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub fn sheet_html(
    title: &str,
    unit: &str,
    base: &str,
    election_id: &str,
    fingerprint: &str,
    check: &str,
    first: u64,
    credentials: &[Zeroizing<String>],
) -> Zeroizing<String> {
    let mut slips = Zeroizing::new(String::new());
    for (i, c) in credentials.iter().enumerate() {
        let url = voter_url(base, election_id, c, check);
        let _ = write!(
            slips,
            r#"<div class="slip"><p class="t">{title}</p><p class="u">{unit}</p>{qr}
<p class="c">{code}</p><p class="url">{url}</p>
<p class="f">Mã nhận diện cuộc bỏ phiếu: <b>{fp}</b> (phải trùng với mã trên điện thoại · must match the code on your phone)</p>
<p class="h">Quét mã bằng điện thoại để mở phiếu. Mã chỉ dùng được một lần; không ghi tên lên phiếu.<br>
<i>Scan with your phone to open the ballot. One use only.</i></p><p class="n">№ {n}</p></div>"#,
            fp = esc(fingerprint),
            title = esc(title),
            unit = esc(unit),
            qr = qr_svg(&url, 150),
            code = esc(c),
            url = esc(&url),
            n = first + i as u64,
        );
    }
    Zeroizing::new(format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Phiếu mã bỏ phiếu — {title}</title>
<style>
@page {{ size: A4; margin: 8mm; }}
body {{ font-family: sans-serif; margin: 0; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; }}
.slip {{ border: 1px dashed #555; padding: 4mm; height: 64mm; box-sizing: border-box; text-align: center; page-break-inside: avoid; font-size: 9pt; }}
.slip svg {{ width: 30mm; height: 30mm; }}
.t {{ font-weight: bold; margin: 0; }} .u {{ margin: 0 0 1mm; }}
.c {{ font-family: monospace; font-size: 10pt; margin: 1mm 0; }}
.url {{ font-family: monospace; font-size: 6pt; word-break: break-all; margin: 0; }}
.f {{ font-size: 8pt; margin: 1mm 0 0; }} .f b {{ font-family: monospace; font-size: 10pt; }}
.h {{ font-size: 7pt; margin: 1mm 0 0; }} .n {{ font-size: 7pt; color: #555; margin: 0; }}
</style></head>
<body><div class="grid">{slips}</div></body></html>
"#,
        title = esc(title),
        slips = slips.as_str(),
    ))
}

/// The slips of a sheet that [`sheet_html`] wrote: `(number, credential
/// text)` in the sheet's order. The texts are secrets: they stay in memory
/// that is wiped on drop. `None` when the file is not such a sheet.
pub fn read_sheet(html: &str) -> Option<Vec<(u64, Zeroizing<String>)>> {
    let mut out = Vec::new();
    for slip in html.split(r#"<div class="slip">"#).skip(1) {
        let between = |start: &str| -> Option<&str> {
            let from = slip.find(start)? + start.len();
            let len = slip[from..].find("</p>")?;
            Some(&slip[from..from + len])
        };
        let code = between(r#"<p class="c">"#)?;
        let number = between(r#"<p class="n">№ "#)?.trim().parse().ok()?;
        out.push((number, Zeroizing::new(code.trim().to_owned())));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_reads_back_its_numbers_and_credentials() {
        let codes: Vec<Zeroizing<String>> = ["AAAA-BBBB", "CCCC-DDDD", "EEEE-FFFF"]
            .iter()
            .map(|c| Zeroizing::new(c.to_string()))
            .collect();
        let html = sheet_html(
            "Lấy phiếu <tín nhiệm>",
            "Sở Y tế",
            "http://192.0.2.1:8080",
            "abc",
            "ABCD-EFGH",
            "0123",
            8,
            &codes,
        );
        let slips = read_sheet(&html).expect("a sheet");
        let read: Vec<(u64, &str)> = slips.iter().map(|(n, c)| (*n, c.as_str())).collect();
        assert_eq!(
            read,
            [(8, "AAAA-BBBB"), (9, "CCCC-DDDD"), (10, "EEEE-FFFF")]
        );
        assert!(read_sheet("<html>not a sheet</html>").is_none());
    }
}
