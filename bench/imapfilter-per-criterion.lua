-- The benchmark rule set of bench/mailtidy.yaml for imapfilter, written the way its manual's
-- examples are: one method (one UID SEARCH) per criterion, sets combined in Lua with * (and) and
-- + (or). Same rules and order as imapfilter.lua; bench/run.sh runs both.

options.info = false
options.timeout = 600
options.charset = 'UTF-8'
options.subscribe = true
options.limit = 1000   -- see imapfilter.lua

local account = IMAP {
    server = '127.0.0.1',
    port = tonumber(os.getenv('BENCH_PORT')),
    username = os.getenv('BENCH_USER'),
    password = os.getenv('BENCH_PASSWORD'),
}
local inbox = account.INBOX

-- 1 newsletters-read
inbox:contain_from('news.example'):add_flags({ '\\Seen', '$Newsletter' });
-- 2 old-newsletters-purge
(inbox:has_keyword('$Newsletter') * inbox:arrived_before('1-Jun-2024')):add_flags({ '$Purge' });
-- 3 old-alerts-purge
(inbox:contain_from('alerts@monitoring.example') * inbox:arrived_before('1-Jan-2025')):add_flags({ '$Purge' });
-- 4 big-old-read-purge
(inbox:is_seen() * inbox:is_larger(40960) * inbox:arrived_before('1-Jun-2023')):add_flags({ '$Purge' });
-- 5 keep-flagged
(inbox:is_flagged() * inbox:has_keyword('$Purge')):remove_flags({ '$Purge' });
-- 6 lottery-junk
(inbox:contain_subject('WINNER') + inbox:contain_from('lottery.example')):replace_flags({ '\\Seen', '$Junk' });
-- 7 junk-away
inbox:has_keyword('$Junk'):move_messages(account['Junk']);
-- 8 invoices
local invoices = inbox:contain_from('shop.example'):match_subject('Invoice #[0-9]{5}\\b');
invoices:add_flags({ '$Invoice' });
invoices:move_messages(account['Archive/Invoices']);
-- 9 answered-unflag
(inbox:is_answered() * inbox:is_flagged()):remove_flags({ '\\Flagged' });
-- 10 transfers
inbox:contain_subject('Überweisung'):add_flags({ '$Finance' });
-- 11 purge
inbox:has_keyword('$Purge'):delete_messages();
