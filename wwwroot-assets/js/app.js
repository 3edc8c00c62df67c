// Small helpers the Blazor components call through JS interop.
window.talkntalk = {
    submitForm: (id) => document.getElementById(id)?.requestSubmit(),
};

// Starts a file download the browser streams to disk itself (no blob in page memory).
window.talkntalk.download = (url) => {
    const link = document.createElement("a");
    link.href = url;
    link.download = "";
    document.body.appendChild(link);
    link.click();
    link.remove();
};
