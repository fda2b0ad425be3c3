package api

// editDecodeError: in editUser and editMyAccount a field of the wrong type
// is an invalid value of that field, which the contract answers 400
// USER_EDIT_ERROR with data naming the field, as any other refused value of
// an edit. An argument that is not an object stays INVALID_DATA.
func editDecodeError(e *Error) *Error {
	fields, ok := e.Data.(map[string]string)
	if !ok || e.Code != errInvalidData.Code {
		return e
	}
	if _, notObject := fields["body"]; notObject {
		return e
	}
	return errEditInvalid.with(fields)
}
