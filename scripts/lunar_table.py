#!/usr/bin/env python3
"""Recomputes and cross-checks the lunar table of crates/domain/src/calendar/statutory.rs.

Not part of the build or CI: run it by hand when extending the table, in a virtual env with
    pip install skyfield skyfield-data ephem lunardate sxtwl lunar-python
    python3 scripts/lunar_table.py 2024 2099 > rows.txt

For each year it computes 春节 (first day of the first lunar month), 端午 (5th day of the 5th),
中秋 (15th day of the 8th) and the day of 清明 under the rules of GB/T 33661-2017 (Beijing time;
the day of the new moon starts a month; the winter solstice falls in the 11th month; in a sui of
13 months the first month without a major solar term is the leap month), from two independent
ephemerides: JPL DE421 through Skyfield (shipped by skyfield-data, valid to 2053) and PyEphem
(VSOP87 / ELP, any year). It then compares them with the 1900-2099 month table of `lunardate` and
the 寿星天文历 algorithm of `sxtwl` and `lunar-python`. It prints the Rust rows on stdout, and on
stderr every disagreement and the new moons or solar terms within an hour of Beijing midnight
(the dates a small error could move). It exits non-zero when any source disagrees.
"""

import datetime as dt
import math
import sys

BJ = dt.timezone(dt.timedelta(hours=8))


def festivals(new_moons, terms, year):
    """GB/T 33661-2017 over Beijing-time datetimes.

    new_moons: sorted datetimes; terms: (datetime, index) with index 0 = longitude 0 (spring
    equinox), each step 15 degrees, so 1 = 清明, 18 = winter solstice, even = major terms.
    """
    nm = [x.date() for x in new_moons]
    zhongqi = [x.date() for x, i in terms if i % 2 == 0]

    def month11(y):  # index of the new moon starting the month with the winter solstice of y
        ws = [x for x, i in terms if i == 18 and x.year == y][0].date()
        return max(k for k, d in enumerate(nm) if d <= ws)

    a, b = month11(year - 1), month11(year)
    leap = None
    if b - a == 13:
        leap = next(k for k in range(a, b)
                    if not any(nm[k] <= z < nm[k + 1] for z in zhongqi))
    number, months = 11, {}
    for k in range(a, b):
        if k == leap:
            continue  # a leap month repeats the number of the month before it
        if k != a:
            number = number % 12 + 1
        months[number] = k
    qingming = [x for x, i in terms if i == 1 and x.year == year][0]
    near = [new_moons[months[m]] for m in (1, 5, 8)] + [qingming]
    return dict(
        cny=nm[months[1]],
        dragon=nm[months[5]] + dt.timedelta(days=4),
        mid=nm[months[8]] + dt.timedelta(days=14),
        qingming=qingming.date(),
    ), near


def jpl(y0, y1):
    from skyfield import almanac, almanac_east_asia
    from skyfield.api import Loader
    from skyfield_data import get_skyfield_data_path
    load = Loader(get_skyfield_data_path(), expire=False)
    ts = load.timescale(builtin=True)
    eph = load("de421.bsp")
    t0, t1 = ts.utc(y0 - 2, 10, 1), ts.utc(y1 + 1, 3, 1)
    tm, ph = almanac.find_discrete(t0, t1, almanac.moon_phases(eph))
    new_moons = [t.utc_datetime().astimezone(BJ) for t, p in zip(tm, ph) if p == 0]
    tt, ti = almanac.find_discrete(t0, t1, almanac_east_asia.solar_terms(eph))
    terms = [(t.utc_datetime().astimezone(BJ), int(i)) for t, i in zip(tt, ti)]
    return {y: festivals(new_moons, terms, y) for y in range(y0, y1 + 1)}


def pyephem(y0, y1):
    import ephem

    def bj(d):
        return ephem.Date(d).datetime().replace(tzinfo=dt.timezone.utc).astimezone(BJ)

    def longitude(d):
        s = ephem.Sun()
        s.compute(d, epoch=d)
        return math.degrees(ephem.Ecliptic(s, epoch=d).lon)

    def term(year, index):  # bisection on the apparent longitude, from a rough guess
        lon = index * 15
        guess = ephem.Date(dt.datetime(year, 3, 20)) + lon / 360 * 365.2422
        lo, hi = guess - 10, guess + 10
        for _ in range(60):
            mid = (lo + hi) / 2
            if ((longitude(mid) - lon + 180) % 360) - 180 < 0:
                lo = mid
            else:
                hi = mid
        return bj((lo + hi) / 2)

    new_moons, d = [], ephem.Date(dt.datetime(y0 - 2, 10, 1))
    while True:
        d = ephem.next_new_moon(d)
        if ephem.Date(d).datetime().year > y1 + 1:
            break
        new_moons.append(bj(d))
    terms = sorted((term(y, i), i) for y in range(y0 - 2, y1 + 2) for i in range(24))
    return {y: festivals(new_moons, terms, y) for y in range(y0, y1 + 1)}


def libraries(year):
    from lunardate import LunarDate
    import sxtwl
    from lunar_python import Lunar
    out = {}
    if year < 2100:
        out["lunardate"] = dict(cny=LunarDate(year, 1, 1).to_solar_date(),
                                dragon=LunarDate(year, 5, 5).to_solar_date(),
                                mid=LunarDate(year, 8, 15).to_solar_date())

    def sx(m, d):
        day = sxtwl.fromLunar(year, m, d, False)
        return dt.date(day.getSolarYear(), day.getSolarMonth(), day.getSolarDay())
    qm = None
    for k in range(10):
        day = sxtwl.fromSolar(year, 4, 1).after(k)
        if day.hasJieQi() and day.getJieQi() == 7:  # sxtwl counts from 冬至 = 0; 7 = 清明
            qm = dt.date(day.getSolarYear(), day.getSolarMonth(), day.getSolarDay())
    out["sxtwl"] = dict(cny=sx(1, 1), dragon=sx(5, 5), mid=sx(8, 15), qingming=qm)

    def lp(m, d):
        s = Lunar.fromYmd(year, m, d).getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())
    s = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    out["lunar-python"] = dict(cny=lp(1, 1), dragon=lp(5, 5), mid=lp(8, 15),
                               qingming=dt.date(s.getYear(), s.getMonth(), s.getDay()))
    return out


def main():
    y0, y1 = int(sys.argv[1]), int(sys.argv[2])
    by_ephem = pyephem(y0, y1)
    by_jpl = jpl(y0, min(y1, 2052)) if y0 <= 2052 else {}
    bad = 0
    for y in range(y0, y1 + 1):
        base, near = by_ephem[y]
        sources = {"pyephem": base, **libraries(y)}
        if y in by_jpl:
            sources["jpl-de421"] = by_jpl[y][0]
            near = by_jpl[y][1]
        for field in ("cny", "dragon", "mid", "qingming"):
            values = {name: s[field] for name, s in sources.items() if s.get(field)}
            if len(set(values.values())) > 1:
                bad += 1
                print(f"{y} {field} disagree: {values}", file=sys.stderr)
        for x in near:
            minutes = x.hour * 60 + x.minute
            if min(minutes, 1440 - minutes) < 60:
                print(f"{y} close to midnight: {x.isoformat(timespec='minutes')}", file=sys.stderr)
        c, d, m, q = base["cny"], base["dragon"], base["mid"], base["qingming"]
        print(f"    ({y}, ({c.month}, {c.day}), ({d.month}, {d.day}), ({m.month}, {m.day}), {q.day}),")
    print(f"{bad} disagreements", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
