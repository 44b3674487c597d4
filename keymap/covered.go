package keymap

import (
	"fmt"
	"reflect"
	"slices"

	"charm.land/bubbles/v2/key"
)

// Covered checks that km, a pane's key map (a struct of key.Binding
// fields) built with k, holds every action of pane exactly once and
// nothing else. Each pane's tests call it, so that an action added here
// gets its field there and the other way round.
func Covered(pane string, km any, k Keys) error {
	v := reflect.ValueOf(km)
	bt := reflect.TypeOf(key.Binding{})
	found := map[string]string{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type != bt {
			continue
		}
		name := k.Name(pane, v.Field(i).Interface().(key.Binding))
		if name == "" {
			return fmt.Errorf("%s: field %s is no %s action", pane, f.Name, pane)
		}
		if other, dup := found[name]; dup {
			return fmt.Errorf("%s: fields %s and %s are both %s", pane, other, f.Name, name)
		}
		found[name] = f.Name
	}
	var missing []string
	for _, a := range actions {
		if _, ok := found[a.Name]; a.Pane() == pane && !ok {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: no field for %v", pane, slices.Clip(missing))
	}
	return nil
}
