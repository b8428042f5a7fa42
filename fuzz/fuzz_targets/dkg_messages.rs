//! The threshold ceremony's messages (`tinnhiem_core::dkg`, PROTOCOL.md
//! §10): `Dealing::from_bytes` for a committee chosen by the first two
//! bytes, and `Complaint::from_bytes` on the rest. Never a panic; what
//! decodes encodes back to the same bytes; `Dealing::verify` and
//! `adjudicate` (against a fixed honest dealing of a 3-member committee)
//! answer on attacker-chosen points, and a complaint against that honest
//! dealing is never upheld.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tinnhiem_core::dkg::{adjudicate, deal, Complaint, Dealing, Params, Verdict, VerifiedDealing};
use tinnhiem_core::schnorr::PublicKey;
use tinnhiem_core::trustee::TrusteeKey;
use tinnhiem_fuzz::verify::rng;

const H: [u8; 32] = [1; 32];

/// A 2-of-3 committee's keys and member 0's honest dealing, verified.
fn fixture() -> &'static (Params, Vec<PublicKey>, VerifiedDealing) {
    static F: OnceLock<(Params, Vec<PublicKey>, VerifiedDealing)> = OnceLock::new();
    F.get_or_init(|| {
        let mut r = rng();
        let params = Params::new(3, 2).expect("2 of 3");
        let keys: Vec<TrusteeKey> = (0..3).map(|_| TrusteeKey::generate(&mut r)).collect();
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public()).collect();
        let d = deal(&params, &H, 0, &keys[0], &publics, &mut r).expect("deal");
        let v = d
            .verify(&params, &H, 0, &publics[0])
            .expect("honest dealing");
        (params, publics, v)
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let n = u32::from(data[0] % 20) + 1;
    let t = u32::from(data[1]) % n + 1;
    let params = Params::new(n, t).expect("in range");
    let body = &data[2..];
    let decoded = Dealing::from_bytes(body, &params);
    if body.len() != params.dealing_len() {
        assert!(decoded.is_err(), "a dealing of the wrong length decoded");
    }
    if let Ok(d) = decoded {
        assert_eq!(d.to_bytes(), body, "a dealing is not its own encoding");
        let (_, publics, _) = fixture();
        let _ = d.verify(&params, &H, d.dealer, &publics[0]);
    }
    let decoded = Complaint::from_bytes(body);
    if body.len() != Complaint::LEN {
        assert!(decoded.is_err(), "a complaint of the wrong length decoded");
    }
    if let Ok(c) = decoded {
        assert_eq!(
            &c.to_bytes()[..],
            body,
            "a complaint is not its own encoding"
        );
        let (params, publics, honest) = fixture();
        let key = &publics[(c.complainer % 3) as usize];
        let verdict = adjudicate(params, &H, honest, &c, key);
        assert_ne!(
            verdict,
            Verdict::DealerAtFault,
            "an honest dealer was disqualified"
        );
    }
});
