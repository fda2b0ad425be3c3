package users

// Exported limits of the profile fields, for forms that announce them
// (maxlength, minlength): the rules stay the constants of rules.go.
const (
	MaxLoginLen  = maxLocalLen
	MaxBioLen    = maxBioLen
	MaxURLLen    = maxURLLen
	MaxEmailLen  = maxEmailLen
	MaxSocialLen = maxSocialLen
)
