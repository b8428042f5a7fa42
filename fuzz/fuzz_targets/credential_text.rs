//! A credential text as scanned or typed (`Credential::from_text`): never
//! panics; a text that decodes is the printed text up to what people may
//! type differently (case, dashes, spaces, `I`/`L`/`O`), and the printed
//! text decodes to the same credential (same public key for a fixed
//! election id).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::credential::{Credential, TEXT_LEN};

const ELECTION: &str = "fuzz-election";

/// What a typed text means: dashes and spaces dropped, upper case, `I`/`L`
/// as `1` and `O` as `0`.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '-' && c != ' ')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cred) = Credential::from_text(text) else {
        return;
    };
    let printed = cred.to_text();
    assert_eq!(printed.len(), TEXT_LEN + 7, "printed form is 8 groups of 4");
    assert_eq!(
        normalize(text),
        printed.replace('-', ""),
        "a different text decoded to this credential"
    );
    let again = Credential::from_text(&printed).expect("the printed text decodes");
    assert_eq!(
        again.public(ELECTION).as_bytes(),
        cred.public(ELECTION).as_bytes(),
        "the printed text is another credential"
    );
});
