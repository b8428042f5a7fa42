//! `tinnhiem demo`: a realistic meeting with no set-up. 25 people summoned,
//! 22 present, 4 candidates, a committee of 3 of whom any 2 can decrypt (the
//! threshold key ceremony), and the third absent at the count; 20 ballots
//! (one left blank for a candidate, two signed under R4), 2 forged and 1
//! repeated attempt that must be refused. A real server is started on a free loopback port with a
//! temporary store, every actor goes through its HTTP API, and the
//! downloaded log is verified as an inspector would.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::report;
use crate::scenario::{Mark, Scenario, ScenarioBallot, ScenarioCandidate};

fn scenario() -> Scenario {
    use Mark::*;
    let c = |n: &str, p: &str| ScenarioCandidate {
        name: n.into(),
        position: p.into(),
        person: Option::None,
    };
    let rows: [[Mark; 4]; 20] = [
        [High, High, Confidence, Low],
        [High, Confidence, Confidence, Low],
        [High, High, Low, Low],
        [Confidence, High, Confidence, Low],
        [High, Confidence, None, Low],
        [High, High, Confidence, Confidence],
        [Confidence, High, Low, Low],
        [High, Confidence, Confidence, Low],
        [High, High, Confidence, Low],
        [Low, Confidence, Confidence, Low],
        [High, High, High, Confidence],
        [Confidence, Confidence, Low, Low],
        [High, High, Confidence, Low],
        [High, Low, Confidence, Low],
        [Confidence, High, Confidence, High],
        [High, High, Low, Low],
        [High, Confidence, Confidence, Confidence],
        [High, High, Confidence, Low],
        [Confidence, High, Low, Low],
        [High, High, Confidence, Low],
    ];
    let ballots = rows
        .iter()
        .enumerate()
        .map(|(i, m)| ScenarioBallot {
            marks: m.to_vec(),
            signed_by: match i {
                3 => Some("Trần Thị Bình".into()),
                11 => Some("Lê Văn Cường".into()),
                _ => Option::None,
            },
        })
        .collect();
    Scenario {
        title: "Lấy phiếu tín nhiệm đối với người giữ chức vụ lãnh đạo, quản lý năm 2023".into(),
        unit: "Sở Y tế tỉnh Nam Định".into(),
        date: Option::None,
        candidates: vec![
            c("Nguyễn Văn An", "Giám đốc Sở"),
            c("Phạm Thị Hoa", "Phó Giám đốc Sở"),
            c("Đỗ Minh Khôi", "Phó Giám đốc Sở"),
            c("Vũ Thị Lan", "Chánh Văn phòng Sở"),
        ],
        summoned: 25,
        present: 22,
        trustees: 3,
        threshold: Some(2),
        // The third member is absent at the count: two decrypt.
        decrypting: Some(vec![0, 1]),
        ballots,
        forged: 2,
        repeated: 1,
    }
}

pub fn run(out: Option<PathBuf>) -> ExitCode {
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tinnhiem-demo-{}", std::process::id()))
    });
    let s = scenario();
    println!("{} — {}", s.title, s.unit);
    println!(
        "Triệu tập {} · có mặt {} · {} ứng viên · Ban kiểm phiếu {} người · {} phiếu, {} phiếu giả, {} phiếu lặp",
        s.summoned,
        s.present,
        s.candidates.len(),
        s.trustees,
        s.ballots.len(),
        s.forged,
        s.repeated
    );
    let decrypting = s.decrypting();
    let absent: Vec<String> = (0..s.trustees)
        .filter(|m| !decrypting.contains(m))
        .map(|m| (m + 1).to_string())
        .collect();
    println!(
        "Ngưỡng giải mã {t}/{n}: thành viên {absent} vắng khi kiểm phiếu, {d} thành viên giải mã \
         (threshold {t} of {n}: member {absent} absent at the count, {d} decrypt)",
        t = s.threshold(),
        n = s.trustees,
        absent = absent.join(", "),
        d = decrypting.len()
    );
    let rt = super::runtime();
    let run = async {
        let local = super::LocalServer::start()
            .await
            .map_err(super::SimulateError::Unexpected)?;
        println!(
            "Máy chủ (server): {} (kho tạm, temporary store)",
            local.base
        );
        let r = super::run_scenario(
            &s,
            &out,
            Some((&local.base, &local.password)),
            &mut |_, _| {},
        )
        .await;
        local.stop().await;
        r
    };
    match rt.block_on(run) {
        Ok(summary) => {
            println!("Nhật ký đã được kiểm tra lại bằng tinnhiem-tally (log verified).\n");
            print!("{}", report::table(&summary.result));
            println!("Nhật ký (log): {}", summary.log.display());
            println!("Biên bản (minutes): {}", summary.minutes.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tinnhiem demo: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
