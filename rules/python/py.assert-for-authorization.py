def delete_project(request, project):
    assert request.user.is_admin, "admins only"  # expect: py.assert-for-authorization
    assert project.owner_id == request.user.id  # expect: py.assert-for-authorization
    assert isinstance(project.name, str)  # ok: py.assert-for-authorization
    project.delete()
