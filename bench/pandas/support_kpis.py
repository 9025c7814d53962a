"""The pandas "notebook" of bench/local-scale.ts: the core support KPIs from the same landed pages.

It reads the landing files an extraction wrote (`landing/zendesk/<stream>/dt=*/*.jsonl.gz`, the
rows the warehouse's staging views read) and computes, the way an analyst's notebook would, the
ticket-level measures of `fct_tickets` that the core KPIs need, the satisfaction ratings, the daily
backlog and `kpi_values`-style aggregates per day, week and month (overall and by channel). It
writes them as CSV, as the warehouse publishes its tables, and prints a JSON summary on stdout.

What it leaves out is named in COVERAGE below and printed by the bench: the CRM (HubSpot: NPS,
retention after contact, VIP tiers), sentiment, business-hours SLA schedules (every policy is
measured in calendar time), reply waits and the other 40-odd models of the warehouse.

    /usr/bin/python3 bench/pandas/support_kpis.py LAKE_ROOT --now 2026-09-26T00:00:00Z \
        --params params.json --out OUT_DIR
"""

import argparse
import glob
import gzip
import json
import os
import sys
import time

try:
    import numpy as np
    import pandas as pd
except ImportError:  # the bench checks first; this is for someone running the script by hand
    sys.stderr.write("pandas is not installed: apt-get install -y python3-pandas (then use /usr/bin/python3)\n")
    sys.exit(3)

CLOSED = ("solved", "closed")
OPEN_STATUSES_EXCLUDED = ("solved", "closed", "deleted")
DAY = 86400

# Which of the warehouse's models and KPIs this script reproduces (printed by the bench).
COVERAGE = {
    "models": [
        "stg_zendesk__tickets",
        "stg_zendesk__ticket_events",
        "stg_zendesk__comments",
        "stg_zendesk__users",
        "stg_zendesk__groups",
        "stg_zendesk__satisfaction_ratings",
        "int_user_kinds",
        "int_group_tiers",
        "int_status_changes",
        "int_routing_changes",
        "int_ticket_comment_metrics (without reply waits)",
        "int_ticket_status_metrics",
        "int_ticket_routing_metrics",
        "fct_tickets (core measures; SLA in calendar time, no VIP tier, no sentiment)",
        "fct_satisfaction_ratings",
        "backlog_daily (overall only)",
        "kpi_values (overall and channel; no priority/vip/language/category/group-tier breakdowns)",
    ],
    "kpis": [
        "ticket_volume",
        "first_reply_time_avg_s",
        "first_reply_time_p50_s",
        "first_reply_time_p90_s",
        "chat_replied_within_60s_rate",
        "repeat_contact_rate_24h",
        "repeat_contact_rate_7d",
        "escalation_rate",
        "escalation_time_avg_s",
        "early_escalation_rate",
        "sla_first_reply_compliance_rate",
        "sla_resolution_compliance_rate",
        "sla_compliance_rate",
        "bot_containment_rate",
        "multi_transfer_rate",
        "full_resolution_time_avg_s",
        "full_resolution_time_p50_s",
        "full_resolution_time_p90_s",
        "fcr_rate",
        "one_touch_rate",
        "reopen_rate",
        "aht_s",
        "csat_rate",
        "csat_response_rate",
        "backlog_open",
    ],
}


def load(lake, stream):
    """Every landing row of one Zendesk stream, as the staging view's source reads them."""
    frames = []
    for path in sorted(glob.glob(os.path.join(lake, "landing", "zendesk", stream, "dt=*", "*.jsonl.gz"))):
        with gzip.open(path, "rb") as f:
            data = f.read()
        if data.strip():
            frames.append(pd.read_json(data.decode("utf-8"), lines=True, dtype=False, convert_dates=False))
    if not frames:
        raise SystemExit(f"no landing files for zendesk/{stream} under {lake}")
    return pd.concat(frames, ignore_index=True)


def latest(df, key, order):
    """The staging views' dedup: the latest version of each key (order: newest first)."""
    df = df.sort_values(order, ascending=False, kind="stable")
    return df.drop_duplicates(key, keep="first").reset_index(drop=True)


def seconds(series):
    """ISO-8601 timestamps to epoch seconds (float, NaN for nulls)."""
    ts = pd.to_datetime(series, utc=True, errors="coerce")
    out = (ts - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    return out


def discrete_quantile(frame, keys, p):
    """approx_percentile as the warehouse runs it on DuckDB (quantile_disc): the ceil(n·p)-th smallest."""
    ordered = frame.sort_values(keys + ["num"], kind="stable")
    position = ordered.groupby(keys).cumcount()
    size = ordered.groupby(keys)["num"].transform("size")
    chosen = ordered[position == np.maximum(np.ceil(np.round(size * p, 9)) - 1, 0)]
    return chosen[keys + ["num"]].rename(columns={"num": "value"})


def channel_of(via):
    mapping = {}
    for v in ("chat", "native_messaging", "messaging", "chat_transcript"):
        mapping[v] = "chat"
    for v in ("email", "mail"):
        mapping[v] = "email"
    for v in ("web", "web_form", "web_widget", "web_service", "help_center"):
        mapping[v] = "web"
    for v in ("voice", "phone", "call"):
        mapping[v] = "phone"
    for v in ("telegram", "discord", "api"):
        mapping[v] = v
    for v in ("twitter", "facebook", "instagram", "social", "x"):
        mapping[v] = "social"
    return via.map(mapping).fillna("other")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lake")
    parser.add_argument("--now", required=True, help="the simulated desk's now (ISO-8601)")
    parser.add_argument("--params", required=True, help="JSON: groupTiers, securityGroups, securityCategories, policies")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.params) as f:
        params = json.load(f)
    now_s = pd.Timestamp(args.now).timestamp()
    phases = {}
    started = time.perf_counter()

    # ---- read and dedup (staging) ---------------------------------------------------------------
    tickets = latest(load(args.lake, "tickets"), "ticket_id", ["generated_timestamp", "_extracted_at", "_run_id"])
    events = load(args.lake, "ticket_events")
    events = events[events["field_name"].isin(["status", "group_id"])]
    events = latest(events, "event_id", ["created_at", "_extracted_at", "_run_id"])
    comments = latest(load(args.lake, "comments"), "comment_id", ["created_at", "_extracted_at", "_run_id"])
    users = latest(load(args.lake, "users"), "user_id", ["updated_at", "_extracted_at", "_run_id"])
    groups = latest(load(args.lake, "groups"), "group_id", ["updated_at", "_extracted_at", "_run_id"])
    ratings = latest(
        load(args.lake, "satisfaction_ratings"), "rating_id", ["updated_at", "_extracted_at", "_run_id"]
    )
    phases["read_s"] = time.perf_counter() - started

    # ---- dimensions ------------------------------------------------------------------------------
    t0 = time.perf_counter()
    users["user_kind"] = np.where(
        users["is_bot"].fillna(False).astype(bool),
        "bot",
        np.where(users["role"].isin(["agent", "admin"]), "agent", "end_user"),
    )
    kinds = users.set_index("user_id")["user_kind"]
    customer_keys = users.set_index("user_id")["customer_key"]
    level_of = {"BOT": 1, "L1": 1, "VIP": 1, "L2": 2, "L3": 3}
    groups["tier"] = groups["name"].map(params["groupTiers"]).fillna("L1")
    groups["tier_level"] = groups["tier"].map(level_of).fillna(1)
    groups["is_security"] = groups["name"].isin(params["securityGroups"])
    group_tier = groups.set_index("group_id")["tier"]
    group_level = groups.set_index("group_id")["tier_level"]
    group_security = groups.set_index("group_id")["is_security"]

    # ---- tickets ---------------------------------------------------------------------------------
    t = tickets[["ticket_id", "requester_id", "group_id", "status", "priority", "via_channel", "category", "is_deleted"]].copy()
    t["created_s"] = seconds(tickets["created_at"])
    t["channel"] = channel_of(t["via_channel"])
    t["priority"] = t["priority"].str.lower().fillna("unknown")
    t["category"] = t["category"].fillna("unknown")
    t["is_solved"] = t["status"].isin(CLOSED)
    t["is_deleted"] = t["is_deleted"].fillna(False).astype(bool)
    t["customer_key"] = t["requester_id"].map(customer_keys)
    t["group_tier"] = t["group_id"].map(group_tier).fillna("L1")
    t = t.set_index("ticket_id")

    # ---- comment metrics -------------------------------------------------------------------------
    c = comments[["ticket_id", "comment_id", "author_id", "created_at", "is_public"]].copy()
    c["created_s"] = seconds(c["created_at"])
    c = c[c["ticket_id"].isin(t.index)].sort_values(["ticket_id", "created_s", "comment_id"], kind="stable")
    c["seq"] = c.groupby("ticket_id").cumcount() + 1
    author_kind = c["author_id"].map(kinds).fillna("end_user")
    public = c["is_public"].fillna(False).astype(bool)
    c["kind"] = np.select(
        [~public, author_kind == "end_user", c["seq"] == 1, author_kind == "agent"],
        ["private", "customer_message", "agent_opening", "agent_reply"],
        default="bot_reply",
    )
    replies = c[c["kind"] == "agent_reply"].groupby("ticket_id")["created_s"]
    responses = c[c["kind"].isin(["agent_reply", "bot_reply"])].groupby("ticket_id")["created_s"]
    t["first_reply_s"] = replies.min()
    t["first_response_s"] = responses.min()
    t["agent_reply_count"] = replies.size().reindex(t.index).fillna(0)
    t["is_bot_handled"] = (c[c["kind"] == "bot_reply"].groupby("ticket_id").size() > 0).reindex(t.index).fillna(False)

    # ---- status metrics --------------------------------------------------------------------------
    s = events[events["field_name"] == "status"][["ticket_id", "event_id", "event_type", "created_at", "value"]].copy()
    s = s[s["ticket_id"].isin(t.index)]
    s["from_s"] = seconds(s["created_at"])
    s["event_order"] = np.where(s["event_type"] == "Create", 0, 1)
    s = s.rename(columns={"value": "status"})[["ticket_id", "event_id", "event_order", "from_s", "status"]]
    unlogged = t.index.difference(s["ticket_id"].unique())
    s = pd.concat(
        [
            s,
            pd.DataFrame(
                {
                    "ticket_id": unlogged,
                    "event_id": 0,
                    "event_order": 0,
                    "from_s": t.loc[unlogged, "created_s"].to_numpy(),
                    "status": t.loc[unlogged, "status"].to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["ticket_id", "from_s", "event_order", "event_id"], kind="stable")
    grouped = s.groupby("ticket_id")
    s["previous_status"] = grouped["status"].shift().fillna("none")
    s["next_s"] = grouped["from_s"].shift(-1)
    s["to_s"] = s["next_s"].fillna(now_s).clip(upper=now_s)
    s["duration_s"] = (s["to_s"] - s["from_s"]).clip(lower=0)
    solving = s[s["status"].isin(CLOSED) & ~s["previous_status"].isin(CLOSED)].groupby("ticket_id")["from_s"]
    t["first_solved_s"] = solving.min()
    t["last_solved_s"] = solving.max()
    reopens = s[s["previous_status"].isin(CLOSED) & ~s["status"].isin(OPEN_STATUSES_EXCLUDED)]
    t["reopen_count"] = reopens.groupby("ticket_id").size().reindex(t.index).fillna(0)
    work = s[s["status"].isin(["new", "open"])].groupby("ticket_id")["duration_s"].sum()
    t["agent_work_time_s"] = work.reindex(t.index).fillna(0)

    # ---- routing metrics (group changes only) ----------------------------------------------------
    g = events[events["field_name"] == "group_id"][["ticket_id", "event_id", "event_type", "created_at", "value"]].copy()
    g = g[g["ticket_id"].isin(t.index)]
    g["at_s"] = seconds(g["created_at"])
    g["event_order"] = np.where(g["event_type"] == "Create", 0, 1)
    g["value_id"] = pd.to_numeric(g["value"], errors="coerce")
    g = g[["ticket_id", "event_id", "event_type", "event_order", "at_s", "value_id"]]
    ungrouped = t.index.difference(g["ticket_id"].unique())
    g = pd.concat(
        [
            g,
            pd.DataFrame(
                {
                    "ticket_id": ungrouped,
                    "event_id": 0,
                    "event_type": "Create",
                    "event_order": 0,
                    "at_s": t.loc[ungrouped, "created_s"].to_numpy(),
                    "value_id": t.loc[ungrouped, "group_id"].to_numpy(dtype="float64"),
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["ticket_id", "at_s", "event_order", "event_id"], kind="stable")
    g["previous_id"] = g.groupby("ticket_id")["value_id"].shift()
    g["step"] = g.groupby("ticket_id").cumcount() + 1
    level = g["value_id"].map(group_level)
    previous_level = g["previous_id"].map(group_level)
    security = g["value_id"].map(group_security).fillna(False).astype(bool)
    previous_security = g["previous_id"].map(group_security).fillna(False).astype(bool)
    is_change = g["event_type"] == "Change"
    differs = ~((g["value_id"] == g["previous_id"]) | (g["value_id"].isna() & g["previous_id"].isna()))
    g["is_transfer"] = is_change & differs
    g["is_escalation"] = (
        is_change
        & g["previous_id"].notna()
        & g["value_id"].notna()
        & ((level > previous_level) | (security & ~previous_security))
    )
    t["group_transfer_count"] = g[g["is_transfer"]].groupby("ticket_id").size().reindex(t.index).fillna(0)
    t["escalated_s"] = g[g["is_escalation"]].groupby("ticket_id")["at_s"].min()
    t["is_escalated"] = t["escalated_s"].notna()

    # ---- repeat contacts and first-contact resolution -------------------------------------------
    others = t[~t["is_deleted"] & t["customer_key"].notna()][["customer_key", "created_s"]].reset_index()
    mine = t[t["customer_key"].notna()][["customer_key", "created_s", "last_solved_s"]].reset_index()
    pairs = mine.merge(others, on="customer_key", suffixes=("", "_o"))
    pairs = pairs[pairs["ticket_id"] != pairs["ticket_id_o"]]
    before = pairs["created_s"] - pairs["created_s_o"]
    pairs["r24"] = (before > 0) & (before <= DAY)
    pairs["r7"] = (before > 0) & (before <= 7 * DAY)
    after_solve = pairs["created_s_o"] - pairs["last_solved_s"]
    pairs["after"] = pairs["last_solved_s"].notna() & (after_solve > 0) & (after_solve <= 7 * DAY)
    flags = pairs.groupby("ticket_id")[["r24", "r7", "after"]].any().reindex(t.index).fillna(False)
    t["is_repeat_contact_24h"] = flags["r24"]
    t["is_repeat_contact_7d"] = flags["r7"]

    # ---- fct_tickets measures --------------------------------------------------------------------
    t["first_reply_time_s"] = t["first_reply_s"] - t["created_s"]
    t["first_response_time_s"] = t["first_response_s"] - t["created_s"]
    t["full_resolution_time_s"] = np.where(t["is_solved"], t["last_solved_s"] - t["created_s"], np.nan)
    t["escalation_time_s"] = t["escalated_s"] - t["created_s"]
    t["is_one_touch"] = t["is_solved"] & (t["agent_reply_count"] == 1) & (t["reopen_count"] == 0)
    t["is_fcr"] = t["is_one_touch"] & ~flags["after"]
    t["is_bot_contained"] = t["is_bot_handled"] & t["is_solved"] & (t["agent_reply_count"] == 0)

    # SLA: the first matching policy (VIP tier unknown here: no CRM), every schedule as calendar time.
    fr_target = pd.Series(np.nan, index=t.index)
    res_target = pd.Series(np.nan, index=t.index)
    unmatched = pd.Series(True, index=t.index)
    for policy in params["policies"]:
        match = unmatched.copy()
        if policy.get("channels"):
            match &= t["channel"].isin(policy["channels"])
        if policy.get("priorities"):
            match &= t["priority"].isin(policy["priorities"])
        if policy.get("vipTiers"):
            match &= pd.Series("none", index=t.index).isin(policy["vipTiers"])
        if policy.get("categories"):
            match &= t["category"].isin(policy["categories"])
        if policy.get("groupTiers"):
            match &= t["group_tier"].isin(policy["groupTiers"])
        fr_target[match] = policy.get("firstReplyTargetS", np.nan)
        res_target[match] = policy.get("resolutionTargetS", np.nan)
        unmatched &= ~match
    elapsed_now = now_s - t["created_s"]
    first_measure = t["first_reply_time_s"].where(
        t["first_reply_s"].notna(), np.where(t["is_solved"], t["first_solved_s"] - t["created_s"], np.nan)
    )
    t["sla_first_reply_status"] = np.select(
        [fr_target.isna(), first_measure.notna(), elapsed_now > fr_target],
        [None, np.where(first_measure <= fr_target, "met", "breached"), "breached"],
        default="pending",
    )
    solved_measure = t["full_resolution_time_s"]
    t["sla_resolution_status"] = np.select(
        [res_target.isna(), t["is_solved"] & solved_measure.notna(), elapsed_now > res_target],
        [None, np.where(solved_measure <= res_target, "met", "breached"), "breached"],
        default="pending",
    )
    t["created_date"] = pd.to_datetime(t["created_s"], unit="s").dt.normalize()
    t["last_solved_date"] = pd.to_datetime(t["last_solved_s"], unit="s").dt.normalize()
    phases["fct_tickets_s"] = time.perf_counter() - t0

    # ---- satisfaction ratings --------------------------------------------------------------------
    t1 = time.perf_counter()
    r = ratings[["rating_id", "ticket_id", "score", "created_at", "updated_at"]].copy()
    score_map = {"good": 5, "bad": 1, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
    r["csat_score"] = r["score"].astype(str).map(score_map)
    r["is_offered"] = r["score"] != "unoffered"
    r["is_rated"] = r["csat_score"].notna()
    r["offered_date"] = pd.to_datetime(seconds(r["created_at"]), unit="s").dt.normalize()
    r["rated_date"] = pd.to_datetime(seconds(r["updated_at"]), unit="s").dt.normalize()
    r = r[r["ticket_id"].isin(t.index)]
    r = r[~r["ticket_id"].map(t["is_deleted"]).astype(bool)]
    r["channel"] = r["ticket_id"].map(t["channel"])
    phases["fct_satisfaction_ratings_s"] = time.perf_counter() - t1

    # ---- kpi_values: day, week, month × overall, channel -----------------------------------------
    t2 = time.perf_counter()
    facts = t[~t["is_deleted"]].reset_index()
    solved = facts[facts["is_solved"]]
    observations = []

    def ratio(frame, anchor, kpi, num):
        observations.append(pd.DataFrame({"anchor": frame[anchor].to_numpy(), "channel": frame["channel"].to_numpy(),
                                          "kpi": kpi, "agg": "ratio", "num": np.asarray(num, dtype="float64"), "den": 1.0}))

    def pct(frame, anchor, kpi, x, p):
        observations.append(pd.DataFrame({"anchor": frame[anchor].to_numpy(), "channel": frame["channel"].to_numpy(),
                                          "kpi": kpi, "agg": p, "num": np.asarray(x, dtype="float64"), "den": np.nan}))

    replied = facts[facts["first_reply_time_s"].notna()]
    ratio(facts, "created_date", "ticket_volume", np.ones(len(facts)))
    observations[-1]["agg"] = "sum"
    ratio(replied, "created_date", "first_reply_time_avg_s", replied["first_reply_time_s"])
    pct(replied, "created_date", "first_reply_time_p50_s", replied["first_reply_time_s"], "p50")
    pct(replied, "created_date", "first_reply_time_p90_s", replied["first_reply_time_s"], "p90")
    chats = facts[(facts["channel"] == "chat") & facts["first_response_time_s"].notna()]
    ratio(chats, "created_date", "chat_replied_within_60s_rate", chats["first_response_time_s"] <= 60)
    ratio(facts, "created_date", "repeat_contact_rate_24h", facts["is_repeat_contact_24h"])
    ratio(facts, "created_date", "repeat_contact_rate_7d", facts["is_repeat_contact_7d"])
    ratio(facts, "created_date", "escalation_rate", facts["is_escalated"])
    escalated = facts[facts["is_escalated"]]
    ratio(escalated, "created_date", "escalation_time_avg_s", escalated["escalation_time_s"])
    ratio(escalated, "created_date", "early_escalation_rate", escalated["escalation_time_s"] <= 900)
    fr = facts[facts["sla_first_reply_status"].isin(["met", "breached"])]
    ratio(fr, "created_date", "sla_first_reply_compliance_rate", fr["sla_first_reply_status"] == "met")
    rs = facts[facts["sla_resolution_status"].isin(["met", "breached"])]
    ratio(rs, "created_date", "sla_resolution_compliance_rate", rs["sla_resolution_status"] == "met")
    both = facts[facts["sla_first_reply_status"].isin(["met", "breached"]) | facts["sla_resolution_status"].isin(["met", "breached"])]
    observations.append(pd.DataFrame({
        "anchor": both["created_date"].to_numpy(), "channel": both["channel"].to_numpy(), "kpi": "sla_compliance_rate",
        "agg": "ratio",
        "num": ((both["sla_first_reply_status"] == "met").astype(float) + (both["sla_resolution_status"] == "met").astype(float)).to_numpy(),
        "den": (both["sla_first_reply_status"].isin(["met", "breached"]).astype(float)
                + both["sla_resolution_status"].isin(["met", "breached"]).astype(float)).to_numpy(),
    }))
    bots = facts[facts["is_bot_handled"].astype(bool)]
    ratio(bots, "created_date", "bot_containment_rate", bots["is_bot_contained"])
    ratio(facts, "created_date", "multi_transfer_rate", facts["group_transfer_count"] >= 2)
    ratio(solved, "last_solved_date", "full_resolution_time_avg_s", solved["full_resolution_time_s"])
    pct(solved, "last_solved_date", "full_resolution_time_p50_s", solved["full_resolution_time_s"], "p50")
    pct(solved, "last_solved_date", "full_resolution_time_p90_s", solved["full_resolution_time_s"], "p90")
    touched = solved[solved["agent_reply_count"] >= 1]
    ratio(touched, "last_solved_date", "fcr_rate", touched["is_fcr"])
    ratio(touched, "last_solved_date", "one_touch_rate", touched["is_one_touch"])
    ratio(solved, "last_solved_date", "reopen_rate", solved["reopen_count"] >= 1)
    ratio(solved, "last_solved_date", "aht_s", solved["agent_work_time_s"])
    rated = r[r["is_rated"] & r["channel"].notna()]
    ratio(rated, "rated_date", "csat_rate", rated["csat_score"] >= 4)
    offered = r[r["is_offered"] & r["channel"].notna()]
    ratio(offered, "offered_date", "csat_response_rate", offered["is_rated"])
    obs = pd.concat(observations, ignore_index=True)

    rows = []
    for grain, freq in (("day", None), ("week", "W-MON"), ("month", "M")):
        if grain == "day":
            start = obs["anchor"]
        elif grain == "week":
            start = obs["anchor"] - pd.to_timedelta(obs["anchor"].dt.weekday, unit="D")
        else:
            start = obs["anchor"].dt.to_period("M").dt.to_timestamp()
        for breakdown in ("overall", "channel"):
            value = "all" if breakdown == "overall" else obs["channel"]
            frame = obs.assign(period_start=start, breakdown=breakdown, breakdown_value=value)
            keys = ["period_start", "breakdown", "breakdown_value", "kpi"]
            sums = frame[frame["agg"].isin(["ratio", "sum"])].groupby(keys)[["num", "den"]].sum().reset_index()
            sums["value"] = np.where(sums["kpi"] == "ticket_volume", sums["num"], sums["num"] / sums["den"])
            p50 = discrete_quantile(frame[frame["agg"] == "p50"], keys, 0.5)
            p90 = discrete_quantile(frame[frame["agg"] == "p90"], keys, 0.9)
            sums = pd.concat([sums, p50, p90], ignore_index=True)
            sums["period_grain"] = grain
            rows.append(sums)

    # backlog_open: unsolved, non-deleted tickets at the end of each day (now for the last one).
    first_day = pd.Timestamp(facts["created_date"].min())
    last_day = pd.Timestamp(pd.to_datetime(now_s - 1, unit="s").normalize())
    days = pd.date_range(first_day, last_day, freq="D")
    measured = np.minimum((days.astype("int64") // 10**9).to_numpy() + DAY, now_s)
    live = s[s["ticket_id"].isin(facts["ticket_id"]) & ~s["status"].isin(OPEN_STATUSES_EXCLUDED)]
    to_s = live["next_s"].fillna(1e11).to_numpy()
    starts = np.searchsorted(measured, live["from_s"].to_numpy(), side="left")
    ends = np.searchsorted(measured, to_s, side="left")
    diff = np.zeros(len(days) + 1)
    np.add.at(diff, starts, 1)
    np.add.at(diff, ends, -1)
    open_per_day = pd.Series(np.cumsum(diff)[:-1], index=days)
    backlog = []
    for grain in ("day", "week", "month"):
        if grain == "day":
            start = days
        elif grain == "week":
            start = days - pd.to_timedelta(days.weekday, unit="D")
        else:
            start = days.to_period("M").to_timestamp()
        # the stock at the end of each period's last day so far
        last = pd.Series(open_per_day.to_numpy(), index=start).groupby(level=0).last()
        backlog.append(pd.DataFrame({"period_start": last.index, "breakdown": "overall", "breakdown_value": "all",
                                     "kpi": "backlog_open", "value": last.to_numpy(), "period_grain": grain}))
    kpis = pd.concat(rows + backlog, ignore_index=True)
    phases["kpi_values_s"] = time.perf_counter() - t2

    # ---- write, as the warehouse publishes ------------------------------------------------------
    t3 = time.perf_counter()
    os.makedirs(args.out, exist_ok=True)
    facts.to_csv(os.path.join(args.out, "fct_tickets.csv"), index=False)
    r.to_csv(os.path.join(args.out, "fct_satisfaction_ratings.csv"), index=False)
    kpis.to_csv(os.path.join(args.out, "kpi_values.csv"), index=False)
    phases["write_s"] = time.perf_counter() - t3

    month = kpis[(kpis["period_grain"] == "month") & (kpis["breakdown"] == "overall")]
    print(json.dumps({
        "tickets": int(len(t)),
        "ticket_events": int(len(events)),
        "comments": int(len(comments)),
        "kpi_rows": int(len(kpis)),
        "phases": phases,
        "coverage": COVERAGE,
        "monthly_overall": [
            {"period_start": row.period_start.strftime("%Y-%m-%d"), "kpi": row.kpi, "value": float(row.value)}
            for row in month.itertuples()
        ],
    }))


if __name__ == "__main__":
    main()
