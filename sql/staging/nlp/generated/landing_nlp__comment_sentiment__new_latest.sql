-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Sentiment of each customer message, computed from comment_texts by the sentiment stage: the rows that arrived in this run (every row on a full refresh), latest version per comment_id (greatest analysed_at, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        comment_id,
        ticket_id,
        language,
        sentiment_score,
        analyser,
        analysed_at,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by comment_id
            order by from_iso8601_timestamp(analysed_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_nlp__comment_sentiment__new
)

select
    comment_id,
    ticket_id,
    language,
    sentiment_score,
    analyser,
    analysed_at,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
