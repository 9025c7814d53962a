-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Sentiment of each customer message, computed from comment_texts by the sentiment stage: rows that arrived in this run, latest version per comment_id, timestamps typed
-- test: unique(comment_id)
-- test: not_null(comment_id)

with source as (
    select * from landing_nlp__comment_sentiment__new_latest
),

final as (
    select
        comment_id,
        ticket_id,
        language,
        sentiment_score,
        analyser,
        cast(at_timezone(from_iso8601_timestamp(analysed_at), 'UTC') as timestamp(6)) as analysed_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
