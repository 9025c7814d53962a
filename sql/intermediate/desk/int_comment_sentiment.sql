-- materialized: incremental
-- unique_key: comment_id
-- version_column: analysed_at
-- description: Sentiment of every analysed customer message (output of the NLP stage), accumulated
select
  comment_id,
  ticket_id,
  language,
  sentiment_score,
  analyser,
  analysed_at
from stg_nlp__comment_sentiment
