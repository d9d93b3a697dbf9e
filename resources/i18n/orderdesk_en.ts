<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>CancelDialog</name>
    <message numerus="yes">
        <source>%n piece(s) will be cancelled and the marketplace told so with the next transmission.</source>
        <translation>
            <numerusform>%n piece will be cancelled and the marketplace told so with the next transmission.</numerusform>
            <numerusform>%n pieces will be cancelled and the marketplace told so with the next transmission.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FetchDialog</name>
    <message numerus="yes">
        <source>Fetching %n account(s)…</source>
        <translation>
            <numerusform>Fetching %n account…</numerusform>
            <numerusform>Fetching %n accounts…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LogDock</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n errors</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>%n shown</numerusform>
            <numerusform>%n shown</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Fetching %n account(s)…</source>
        <translation>
            <numerusform>Fetching %n account…</numerusform>
            <numerusform>Fetching %n accounts…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrdersView</name>
    <message numerus="yes">
        <source>%n held orders</source>
        <translation>
            <numerusform>%n held order</numerusform>
            <numerusform>%n held orders</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n orders</source>
        <translation>
            <numerusform>%n order</numerusform>
            <numerusform>%n orders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PaymentsView</name>
    <message numerus="yes">
        <source>%n receipts</source>
        <translation>
            <numerusform>%n receipt</numerusform>
            <numerusform>%n receipts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message numerus="yes">
        <source>%n rule(s) saved.</source>
        <translation>
            <numerusform>%n rule saved.</numerusform>
            <numerusform>%n rules saved.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusActions</name>
    <message numerus="yes">
        <source>Package %1 of order %2 recorded; %n status protocol(s) queued.</source>
        <translation>
            <numerusform>Package %1 of order %2 recorded; %n status protocol queued.</numerusform>
            <numerusform>Package %1 of order %2 recorded; %n status protocols queued.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n piece(s) of order %1 cancelled; %2 status protocol(s) queued.</source>
        <translation>
            <numerusform>%n piece of order %1 cancelled; %2 status protocol(s) queued.</numerusform>
            <numerusform>%n pieces of order %1 cancelled; %2 status protocol(s) queued.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stopped waiting for tracking</source>
        <translation>
            <numerusform>%n stopped waiting for tracking</numerusform>
            <numerusform>%n stopped waiting for tracking</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusQueueView</name>
    <message numerus="yes">
        <source>%n protocols</source>
        <translation>
            <numerusform>%n protocol</numerusform>
            <numerusform>%n protocols</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not shown by the marketplace</source>
        <translation>
            <numerusform>%n not shown by the marketplace</numerusform>
            <numerusform>%n not shown by the marketplace</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Discard %n status protocol(s)? They will not be sent to the marketplace.

Do this only when the marketplace already shows the right status (set in its seller portal).</source>
        <translation>
            <numerusform>Discard %n status protocol? It will not be sent to the marketplace.

Do this only when the marketplace already shows the right status (set in its seller portal).</numerusform>
            <numerusform>Discard %n status protocols? They will not be sent to the marketplace.

Do this only when the marketplace already shows the right status (set in its seller portal).</numerusform>
        </translation>
    </message>
</context>
</TS>
