def orders(cursor, customer, status):
    cursor.execute("SELECT id FROM orders WHERE customer = '%s'" % customer)  # expect: py.sql-string-format
    sql = "UPDATE orders SET status = '{}' WHERE id = {}".format(status, 7)  # expect: py.sql-string-format
    cursor.execute(sql)
    cursor.execute("SELECT id FROM orders WHERE customer = %s", (customer,))  # ok: py.sql-string-format
    label = "Selected %s items" % len(customer)  # ok: py.sql-string-format
