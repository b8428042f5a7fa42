//! Prints a fresh credential text (for smoke tests of the browser module).
//! The credential is for no election: it only exercises the decoding.

fn main() {
    let c = tinnhiem_core::credential::Credential::generate(&mut rand::rngs::OsRng);
    println!("{}", c.to_text().as_str());
}
