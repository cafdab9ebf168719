//! The client's address: the socket's peer, unless the peer is a trusted reverse proxy
//! (`WARDEN_TRUSTED_PROXIES`); then the rightmost `X-Forwarded-For` hop that is not itself a
//! trusted proxy. Hops to the left of that one are whatever the client chose to send, so they
//! are never believed.

use std::net::IpAddr;

use ipnet::IpNet;

pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The address to throttle, audit and log by.
pub fn client_addr(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Every header line, every comma-separated hop, from the right.
    let hops = forwarded_for.iter().flat_map(|line| line.split(',')).map(str::trim).collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("network")).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        assert_eq!(client_addr(ip("203.0.113.9"), &["1.2.3.4"], &nets(&["10.0.0.0/8"])), ip("203.0.113.9"));
        assert_eq!(client_addr(ip("10.0.0.2"), &["1.2.3.4"], &[]), ip("10.0.0.2"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client claims 6.6.6.6; the edge proxy appended what it saw, 198.51.100.7.
        assert_eq!(client_addr(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7"], &trusted), ip("198.51.100.7"));
        // Two proxies deep, and the header split over two lines.
        assert_eq!(client_addr(ip("10.0.0.2"), &["198.51.100.7", "10.0.0.5"], &trusted), ip("198.51.100.7"));
        // No header, or garbage in it: the proxy itself.
        assert_eq!(client_addr(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
        assert_eq!(client_addr(ip("10.0.0.2"), &["not-an-address"], &trusted), ip("10.0.0.2"));
    }
}
