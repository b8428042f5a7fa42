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

/// The sheet: `credentials` are the texts of the credentials to print.
pub fn sheet_html(
    title: &str,
    unit: &str,
    base: &str,
    election_id: &str,
    fingerprint: &str,
    check: &str,
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
            n = i + 1,
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
