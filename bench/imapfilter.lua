-- The benchmark rule set of bench/mailtidy.yaml for imapfilter, written idiomatically: one
-- server-side search program per rule (send_query), actions on the resulting set, rules in order.
-- Connection values come from the environment that bench/run.sh sets.

options.info = false
options.timeout = 600
options.charset = 'UTF-8'
options.subscribe = true
-- Without a limit imapfilter puts a whole UID set on one line; at 100,000 messages Dovecot
-- rejects such STOREs ("Too long argument", imap_max_line_length 64k) and imapfilter still exits 0.
-- 1000 ranges per command keep every line under the limit.
options.limit = 1000

local account = IMAP {
    server = '127.0.0.1',
    port = tonumber(os.getenv('BENCH_PORT')),
    username = os.getenv('BENCH_USER'),
    password = os.getenv('BENCH_PASSWORD'),
    ssl = nil,
}
local inbox = account.INBOX

local function query(criteria)
    return inbox:send_query(criteria)
end

-- 1 newsletters-read
query('FROM "news.example"'):add_flags({ '\\Seen', '$Newsletter' })
-- 2 old-newsletters-purge
query('KEYWORD $Newsletter BEFORE 1-Jun-2024'):add_flags({ '$Purge' })
-- 3 old-alerts-purge
query('FROM "alerts@monitoring.example" BEFORE 1-Jan-2025'):add_flags({ '$Purge' })
-- 4 big-old-read-purge
query('SEEN LARGER 40960 BEFORE 1-Jun-2023'):add_flags({ '$Purge' })
-- 5 keep-flagged
query('FLAGGED KEYWORD $Purge'):remove_flags({ '$Purge' })
-- 6 lottery-junk
query('OR SUBJECT "WINNER" FROM "lottery.example"'):replace_flags({ '\\Seen', '$Junk' })
-- 7 junk-away
query('KEYWORD $Junk'):move_messages(account['Junk'])
-- 8 invoices: imapfilter fetches the Subject of each candidate and matches it with PCRE
local invoices = query('FROM "shop.example"'):match_subject('Invoice #[0-9]{5}\\b')
invoices:add_flags({ '$Invoice' })
invoices:move_messages(account['Archive/Invoices'])
-- 9 answered-unflag
query('ANSWERED FLAGGED'):remove_flags({ '\\Flagged' })
-- 10 transfers
query('SUBJECT "Überweisung"'):add_flags({ '$Finance' })
-- 11 purge
query('KEYWORD $Purge'):delete_messages()
