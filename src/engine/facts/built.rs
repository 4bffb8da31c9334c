//! The build date of a public image, from the `alibase_YYYYMMDD` of its ID (`image.built`,
//! which L006 compares with the check date).

use crate::date::Date;

/// The date in `alibase_YYYYMMDD`: eight digits that form a real date. Some older IDs carry
/// nine digits (`alibase_201701015`); such a date is read only when every way of dropping one
/// padding zero after the year gives the same real date, and is otherwise unknown (that one
/// could be 2017-10-15 or 2017-01-15).
pub fn build_date(id: &str) -> Option<Date> {
    let at = id.find("alibase_")? + "alibase_".len();
    let rest = id.get(at..)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        8 => eight(&digits),
        9 => {
            let mut found: Option<Date> = None;
            for drop in 4..9 {
                if digits.as_bytes().get(drop) != Some(&b'0') {
                    continue;
                }
                let candidate: String =
                    digits.char_indices().filter(|(i, _)| *i != drop).map(|(_, c)| c).collect();
                if let Some(date) = eight(&candidate) {
                    match found {
                        Some(other) if other != date => return None,
                        _ => found = Some(date),
                    }
                }
            }
            found
        }
        _ => None,
    }
}

fn eight(digits: &str) -> Option<Date> {
    let (year, rest) = digits.split_at_checked(4)?;
    let (month, day) = rest.split_at_checked(2)?;
    Date::parse(&format!("{year}-{month}-{day}"))
}

#[cfg(test)]
mod tests {
    use super::build_date;

    fn built(id: &str) -> Option<String> {
        build_date(id).map(|d| d.to_string())
    }

    #[test]
    fn eight_digit_dates_are_read() {
        assert_eq!(built("aliyun_3_x64_20G_alibase_20240819.vhd").as_deref(), Some("2024-08-19"));
        assert_eq!(
            built("win2022_21H2_x64_dtc_en-us_40G_alibase_20240816.vhd").as_deref(),
            Some("2024-08-16")
        );
        assert_eq!(built("ubuntu_22_04_x64_20G_alibase_20240926").as_deref(), Some("2024-09-26"));
    }

    #[test]
    fn anything_else_is_unknown() {
        // Ambiguous nine digits: 2017-10-15 or 2017-01-15.
        assert_eq!(built("centos_7_03_64_20G_alibase_201701015.vhd"), None);
        // Impossible dates, other lengths, no marker.
        assert_eq!(built("aliyun_3_x64_20G_alibase_20241319.vhd"), None);
        assert_eq!(built("aliyun_3_x64_20G_alibase_2024081.vhd"), None);
        assert_eq!(built("aliyun_3_x64_20G_alibase_2024081900.vhd"), None);
        assert_eq!(built("m-bp1abcdefghijk"), None);
        assert_eq!(built("aliyun_3_x64_20G_20240819.vhd"), None);
        assert_eq!(built("alibase_"), None);
    }

    #[test]
    fn nine_digits_read_only_when_every_reading_agrees() {
        // Dropping either zero after the year: 2019-12-15 (the only real date).
        assert_eq!(built("x_alibase_201912015.vhd").as_deref(), Some("2019-12-15"));
        // No zero to drop: unknown.
        assert_eq!(built("x_alibase_201912315.vhd"), None);
    }
}
