<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
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
</TS>
