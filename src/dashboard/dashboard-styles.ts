/** The page's styles, inlined into it. Status colours are the only colours that carry meaning. */
export const dashboardStyles = `
:root { --met: #1e8449; --missed: #c0392b; --nodata: #7f8c8d; --ink: #1c2833; --panel: #fff; --bg: #f2f4f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1400px; margin: 0 auto; padding: 16px 20px 40px; }
header h1 { margin: 0 0 2px; font-size: 24px; }
.meta { margin: 0 0 12px; color: #566573; }
.panel { background: var(--panel); border-radius: 8px; padding: 12px 16px 16px; margin: 0 0 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.panel h2 { margin: 0 0 10px; font-size: 17px; }
.panel.alerting { border-left: 6px solid var(--missed); }
.incomplete-banner { background: #fdecea; border: 2px solid var(--missed); color: #8a1c1c; padding: 10px 14px; margin: 8px 0 12px; border-radius: 6px; }
.incomplete-banner ul { margin: 6px 0 0; padding-left: 20px; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 12px; }
.tally { padding: 8px 14px; border-radius: 6px; background: #eef1f4; }
.tally strong { font-size: 22px; margin-right: 4px; }
.tally.met strong { color: var(--met); } .tally.missed strong { color: var(--missed); } .tally.no_data strong { color: var(--nodata); }
.tally.sqi { background: #e8f0fa; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { border-radius: 6px; padding: 8px 10px; border-top: 5px solid var(--nodata); background: #fafbfc; }
.card.met { border-top-color: var(--met); } .card.missed { border-top-color: var(--missed); background: #fdf2f1; }
.card h3 { margin: 0; font-size: 12.5px; font-weight: 600; color: #34495e; }
.kpi-actual { font-size: 22px; font-weight: 650; margin: 2px 0; }
.kpi-target, .kpi-change, .kpi-period { font-size: 12px; color: #566573; }
.kpi-status { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px; border-radius: 3px; color: #fff; background: var(--nodata); margin: 2px 0; }
.card.met .kpi-status { background: var(--met); } .card.missed .kpi-status { background: var(--missed); }
.trend-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
.trend h3, .breakdown h3 { margin: 0; font-size: 13px; font-weight: 600; }
.breakdown-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
.chart { width: 100%; height: 300px; }
.chart.small { height: 170px; }
.table-wrap { overflow-x: auto; margin-top: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e5e8eb; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
td.wrap { white-space: normal; text-align: left; min-width: 260px; }
.alert-drivers { color: #8a1c1c; font-weight: 600; }
.alert-bookkeeping { color: #6b7280; font-size: 11.5px; padding: 2px 0 6px; }
th { background: #f4f6f8; font-weight: 600; }
.empty { color: var(--nodata); font-style: italic; }
.ok { color: var(--met); font-weight: 600; }
select { font: inherit; padding: 2px 4px; }
`;
