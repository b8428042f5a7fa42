//! The two pieces of HTML that the printed pages share (the minutes in
//! [`crate::minutes`], the command line's credential sheet): escaping text,
//! and a QR code as inline SVG.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG QR code of `text` (error correction M), or a note if it is too long.
pub fn qr_svg(text: &str, size: u32) -> String {
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(size, size)
            .quiet_zone(true)
            .build(),
        Err(_) => "<p>(QR)</p>".into(),
    }
}
