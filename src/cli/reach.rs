//! What `tinnhiem serve` tells the room once it listens: where the committee
//! console and the voters' pages can be opened. A phone cannot open
//! `127.0.0.1`, and a server bound to every network (`0.0.0.0`) does not
//! know which of the machine's addresses is on the meeting room's Wi-Fi, so
//! it lists them all and lets the committee pick.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

/// One address of one of the machine's network interfaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// The interface's name (`wlan0`, `eth0`, `lo`).
    pub name: String,
    /// Its address.
    pub ip: IpAddr,
}

/// The machine's interface addresses (link-local IPv6 ones left out: a
/// phone's browser cannot open them without a zone index). Empty when the
/// system does not say.
pub fn machine_interfaces() -> Vec<Interface> {
    let mut found: Vec<Interface> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !matches!(i.ip(), IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80))
        .map(|i| Interface {
            ip: i.ip(),
            name: i.name,
        })
        .collect();
    found.sort_by_key(|i| (i.ip.is_loopback(), i.ip.is_ipv6(), i.name.clone(), i.ip));
    found.dedup();
    found
}

fn url(scheme: &str, ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{scheme}://{v4}:{port}"),
        IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{port}"),
    }
}

/// The lines `serve` prints after binding `bound` (the address it really
/// listens on, port included), given the machine's `interfaces`.
pub fn announce(bound: SocketAddr, https: bool, interfaces: &[Interface]) -> String {
    let scheme = if https { "https" } else { "http" };
    let port = bound.port();
    let ip = bound.ip();
    let mut out = String::new();
    if ip.is_loopback() {
        let example = interfaces
            .iter()
            .find(|i| !i.ip.is_loopback() && i.ip.is_ipv4())
            .map_or_else(|| "192.168.1.10".to_owned(), |i| i.ip.to_string());
        let base = url(scheme, ip, port);
        let _ = writeln!(
            out,
            "Máy chủ chạy tại {base} (ban kiểm phiếu: {base}/committee).\n\
             Chú ý: {ip} chỉ mở được trên chính máy này; điện thoại của cử tri không kết nối được.\n\
             Để điện thoại kết nối, chạy lại với --bind 0.0.0.0:{port} (mọi mạng của máy) \
             hoặc --bind {example}:{port} (địa chỉ của máy trên Wi-Fi phòng họp).\n\
             The server runs at {base} (committee console: {base}/committee).\n\
             Warning: {ip} can be opened on this machine only; the voters' phones cannot reach it.\n\
             To let phones connect, restart with --bind 0.0.0.0:{port} (every network of the \
             machine) or --bind {example}:{port} (the machine's address on the room's Wi-Fi)."
        );
        return out;
    }
    if !ip.is_unspecified() {
        let base = url(scheme, ip, port);
        let _ = writeln!(
            out,
            "Máy chủ chạy tại {base}: ban kiểm phiếu mở {base}/committee; \
             phiếu mã in từ địa chỉ này dẫn điện thoại tới máy chủ.\n\
             The server runs at {base}: the committee opens {base}/committee; \
             slips printed from that address lead the phones here."
        );
        return out;
    }
    // Bound to every network: IPv4 only for 0.0.0.0; both for [::] (Linux
    // accepts IPv4 on an IPv6 socket unless told otherwise).
    let usable: Vec<&Interface> = interfaces
        .iter()
        .filter(|i| ip.is_ipv6() || i.ip.is_ipv4())
        .collect();
    let _ = writeln!(
        out,
        "Máy chủ nghe trên mọi mạng của máy, cổng {port}. Ban kiểm phiếu mở bảng điều khiển \
         bằng địa chỉ thuộc mạng Wi-Fi của phòng họp (phiếu mã in ra dẫn điện thoại tới đúng \
         địa chỉ đó):\n\
         The server listens on every network of this machine, port {port}. The committee opens \
         the console at the address on the meeting room's Wi-Fi (the slips it prints lead the \
         phones to that same address):"
    );
    if usable.is_empty() {
        let _ = writeln!(
            out,
            "  (không đọc được địa chỉ mạng của máy; xem bằng lệnh `ip addr` / \
             the machine's addresses could not be read; see `ip addr`)"
        );
    }
    let width = usable.iter().map(|i| i.name.len()).max().unwrap_or(0);
    for i in usable {
        let base = url(scheme, i.ip, port);
        let note = if i.ip.is_loopback() {
            "  (chỉ máy này / this machine only)"
        } else {
            ""
        };
        let _ = writeln!(out, "  {:width$}  {base}/committee{note}", i.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(name: &str, ip: &str) -> Interface {
        Interface {
            name: name.into(),
            ip: ip.parse().expect("an address"),
        }
    }

    fn room() -> Vec<Interface> {
        vec![
            iface("wlan0", "192.168.1.10"),
            iface("eth0", "10.0.0.5"),
            iface("wlan0", "2001:db8::10"),
            iface("lo", "127.0.0.1"),
            iface("lo", "::1"),
        ]
    }

    #[test]
    fn loopback_bind_warns_that_phones_cannot_connect_and_says_how() {
        let text = announce("127.0.0.1:8080".parse().unwrap(), false, &room());
        assert!(
            text.contains("điện thoại của cử tri không kết nối được"),
            "{text}"
        );
        assert!(text.contains("phones cannot reach it"), "{text}");
        assert!(text.contains("--bind 0.0.0.0:8080"), "{text}");
        assert!(text.contains("--bind 192.168.1.10:8080"), "{text}");
        assert!(!text.contains("http://192.168.1.10"), "{text}");
    }

    #[test]
    fn unspecified_ipv4_bind_lists_every_ipv4_address_with_the_console_url() {
        let text = announce("0.0.0.0:8443".parse().unwrap(), true, &room());
        assert!(
            text.contains("https://192.168.1.10:8443/committee"),
            "{text}"
        );
        assert!(text.contains("https://10.0.0.5:8443/committee"), "{text}");
        assert!(
            text.contains("https://127.0.0.1:8443/committee  (chỉ máy này"),
            "{text}"
        );
        assert!(
            !text.contains("2001:db8"),
            "an IPv4 socket is not reachable over IPv6: {text}"
        );
        assert!(!text.contains("Warning"), "{text}");
    }

    #[test]
    fn unspecified_ipv6_bind_lists_both_families_in_brackets() {
        let text = announce("[::]:8080".parse().unwrap(), false, &room());
        assert!(
            text.contains("http://[2001:db8::10]:8080/committee"),
            "{text}"
        );
        assert!(
            text.contains("http://192.168.1.10:8080/committee"),
            "{text}"
        );
        assert!(
            text.contains("http://[::1]:8080/committee  (chỉ máy này"),
            "{text}"
        );
    }

    #[test]
    fn specific_address_bind_names_that_address() {
        let text = announce("192.168.1.10:8080".parse().unwrap(), false, &room());
        assert!(
            text.contains("http://192.168.1.10:8080/committee"),
            "{text}"
        );
        assert!(!text.contains("10.0.0.5"), "{text}");
    }

    #[test]
    fn no_interfaces_known_still_says_so() {
        let text = announce("0.0.0.0:8080".parse().unwrap(), false, &[]);
        assert!(text.contains("ip addr"), "{text}");
    }
}
