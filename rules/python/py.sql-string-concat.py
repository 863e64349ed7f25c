def find_user(cursor, name):
    cursor.execute("SELECT * FROM users WHERE name = '" + name + "'")  # expect: py.sql-string-concat
    query = "DELETE FROM sessions WHERE user_id = " + str(user_id)  # expect: py.sql-string-concat
    cursor.execute(query)
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))  # ok: py.sql-string-concat
    greeting = "Select your plan, " + name  # ok: py.sql-string-concat
    return cursor.fetchall()
