// Small helpers the Blazor components call through JS interop.
window.talkntalk = {
    submitForm: (id) => document.getElementById(id)?.requestSubmit(),
};
