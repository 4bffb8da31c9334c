//! The system disk size a public image ID carries, for `image.size` (A007).

/// The system disk size a public image ID carries: `_20G_`, `-40G-`, `_100g_`.
pub(super) fn id_size(id: &str) -> Option<u64> {
    let bytes = id.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        if bytes.get(start.wrapping_sub(1)).is_some_and(|b| *b == b'_' || *b == b'-') || start == 0 {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            let closed = bytes.get(at).is_some_and(|b| b.eq_ignore_ascii_case(&b'g'))
                && bytes.get(at + 1).is_some_and(|b| *b == b'_' || *b == b'-' || *b == b'.');
            if at > start && at - start <= 4 && start > 0 && closed {
                return id.get(start..at)?.parse().ok();
            }
        }
        at = at.max(start) + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::id_size;

    #[test]
    fn public_ids_carry_their_disk_size() {
        assert_eq!(id_size("ubuntu_22_04_x64_20G_alibase_20240322.vhd"), Some(20));
        assert_eq!(id_size("win2019_1809_x64_dtc_en-us_40G_alibase_20210916.vhd"), Some(40));
        assert_eq!(id_size("aliyun-2.1903-x64-20G-alibase-20190327.vhd"), Some(20));
        assert_eq!(id_size("centos_7_9_x64_100g_alibase_20240628.vhd"), Some(100));
        assert_eq!(id_size("centos_7_9_x64_alibase_20240628.vhd"), None);
        assert_eq!(id_size("m-bp1g7004ksh0oeuc9vyd"), None);
        assert_eq!(id_size("20G_x"), None);
        assert_eq!(id_size("a_99999G_b"), None);
    }
}
